import { request } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHandlers } from '../../main/api/handlers.ts';
import { ApiError } from '../../main/api/contract.ts';
import { LIMITS, PredictResponseSchema } from '../../main/api/schemas.ts';
import { createCore, type Core } from '../../main/core/core.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';
import { resolveStaticPath } from '../../main/web/static-files.ts';
import { APP_CSP } from '../../main/electron/policy.ts';
import { addressWithoutSecrets, createWsClient, socketUrlFor } from '../../renderer/transport/ws-client.ts';
import { LAUNCH_FILE, writeLaunchFile } from '../../main/web/cli.ts';
import { makeModelsDir, nodeSockets, unipenInks } from './api-fixtures.ts';

let models: Awaited<ReturnType<typeof makeModelsDir>>;
let staticDir: string;
let core: Core;
let server: WebServer;

beforeAll(async () => {
  models = await makeModelsDir();
  staticDir = await mkdtemp(join(tmpdir(), 'lenet-static-'));
  await mkdir(join(staticDir, 'app', 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'app', 'index.html'), '<!doctype html><title>LeNet Studio</title>');
  await writeFile(join(staticDir, 'app', 'assets', 'main.js'), 'console.log(1)');
  await writeFile(join(staticDir, 'app', '.env'), 'SECRET=1');
  await writeFile(join(staticDir, 'app', 'assets', 'main.js.map'), '{"sources":["../../main/secret.ts"]}');
  await writeFile(join(staticDir, 'secret.txt'), 'outside the app folder');
  await mkdir(join(staticDir, 'elsewhere'));
  await writeFile(join(staticDir, 'elsewhere', 'lib.js'), 'outside the app folder');
  // Links placed in the app folder: to a file outside, to a folder outside, and even to a file inside.
  await symlink(join(staticDir, 'secret.txt'), join(staticDir, 'app', 'secret.txt'));
  await symlink(join(staticDir, 'elsewhere'), join(staticDir, 'app', 'vendor'));
  await symlink(join(staticDir, 'app', 'assets', 'main.js'), join(staticDir, 'app', 'alias.js'));
  core = await createCore({ roots: [{ dir: models.dir, bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: '1.0.0', transport: 'web' });
  server = await startWebServer({ table: createHandlers(core), subscribe: (l) => core.subscribe(l), staticDir: join(staticDir, 'app') });
});

afterAll(async () => {
  await server?.close();
  await core?.close();
  await models?.cleanup();
  await rm(staticDir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const origin = () => `http://127.0.0.1:${server.port}`;

/** Opens a socket and resolves with 'open' or the HTTP status that refused it. */
function tryConnect(url: string, options: WebSocket.ClientOptions): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

describe('browser-mode static files', () => {
  it('serves the app with its MIME type and a strict CSP', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const script = await get('/assets/main.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toBe('console.log(1)');
  });

  it('never serves a file outside the app folder, a hidden file or an unknown type', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/.env', '/%2eenv', '/index.html%00.js', '/%E0%A4%A']) {
      const res = await get(path);
      expect([400, 403, 404], path).toContain(res.status);
      expect(res.body).not.toContain('outside the app folder');
      expect(res.body).not.toContain('SECRET');
    }
    expect((await get('/missing.js')).status).toBe(404);
    expect(resolveStaticPath('/srv/app', '/run.exe')).toMatchObject({ ok: false, status: 404 });
    expect(resolveStaticPath('/srv/app', '/a/../../etc/passwd')).toMatchObject({ ok: false, status: 403 });
  });

  it('serves no source maps and follows no symbolic link, even one that points inside the folder', async () => {
    const map = await get('/assets/main.js.map');
    expect(map.status).toBe(404);
    expect(map.body).not.toContain('sources');
    for (const path of ['/secret.txt', '/vendor/lib.js', '/alias.js']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('outside the app folder');
      expect(res.body, path).not.toContain('console.log');
    }
    expect((await get('/assets/main.js')).body).toBe('console.log(1)');
  });

  it("the page's own CSP meta is the header's policy, with the socket allowed on loopback at any port", async () => {
    const html = await readFile(join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    const directives = (policy: string) => new Map(policy.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(' ')[0], d.split(' ').slice(1).sort().join(' ')]));
    const header = directives(String((await get('/')).headers['content-security-policy']));
    const page = directives(meta!);
    header.delete('frame-ancestors'); // ignored in a meta tag; the header keeps it
    const connect = page.get('connect-src');
    page.delete('connect-src');
    header.delete('connect-src');
    expect(page).toEqual(header);
    expect(connect?.split(' ').sort()).toEqual(["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*']);
    expect(APP_CSP).toContain("connect-src 'none'"); // and in Electron the header leaves the page no connection at all
  });

  it('refuses a forged Host (DNS rebinding) and methods other than GET and HEAD', async () => {
    expect((await get('/', { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get('/', { host: '127.0.0.1:1' })).status).toBe(403);
    expect((await get('/', { host: `localhost:${server.port}` })).status).toBe(200);
    expect((await get('/', {}, 'POST')).status).toBe(405);
    expect((await get('/', {}, 'HEAD')).status).toBe(200);
  });
});

describe('browser-mode WebSocket', () => {
  it('opens only with the token, our Origin and our Host', async () => {
    const base = `ws://127.0.0.1:${server.port}/ws`;
    expect(await tryConnect(server.wsUrl, { origin: origin() })).toBe('open');
    expect(await tryConnect(base, { origin: origin() })).toBe(401);
    expect(await tryConnect(`${base}?token=${'x'.repeat(server.token.length)}`, { origin: origin() })).toBe(401);
    expect(await tryConnect(`${base}?token=${server.token}x`, { origin: origin() })).toBe(401);
    expect(await tryConnect(server.wsUrl, { origin: 'http://evil.example' })).toBe(403);
    expect(await tryConnect(server.wsUrl, { origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await tryConnect(server.wsUrl, {})).toBe(403);
    expect(await tryConnect(server.wsUrl, { origin: origin(), headers: { host: `evil.example:${server.port}` } })).toBe(403);
    expect(await tryConnect(server.wsUrl.replace('/ws?', '/other?'), { origin: origin() })).toBe(404);
  });

  it('closes a connection that sends an oversized message and keeps serving others', async () => {
    const ws = new WebSocket(server.wsUrl, { origin: origin() });
    await new Promise((r) => ws.on('open', r));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('error', () => undefined);
    ws.send('x'.repeat(LIMITS.maxMessageBytes + 1));
    expect(await closed).toBe(1009); // "message too big"
    const client = createWsClient(server.wsUrl, nodeSockets(origin()));
    const list = await client.listModels();
    expect(list.activeId).toBe('modern');
    client.close();
  });

  it('serves the contract through the renderer client, errors included, and pushes events', async () => {
    const a = createWsClient(server.wsUrl, nodeSockets(origin()));
    const b = createWsClient(server.wsUrl, nodeSockets(origin()));
    const [ink] = await unipenInks(1);
    const prediction = PredictResponseSchema.parse(await a.predict({ ink: { strokes: ink.strokes } }));
    const direct = await core.predict({ ink: { strokes: ink.strokes } });
    expect(prediction.probabilities).toEqual(direct.probabilities);
    expect(prediction.activations.map((x) => x.data.length)).toEqual(direct.activations.map((x) => x.data.length));

    const error = await a.modelInfo({ id: 'missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not-found', message: expect.stringContaining('no model called missing') });

    const seen: string[] = [];
    b.onEvent('modelChanged', (payload) => seen.push(payload.activeId));
    await b.appInfo(); // b's socket is open before the change
    await a.activateModel({ id: 'classic' });
    await a.activateModel({ id: 'modern' });
    await b.appInfo(); // events are sent before later answers on the same socket
    expect(seen).toEqual(['classic', 'modern']);
    expect(await a.appInfo()).toMatchObject({ transport: 'web', version: '1.0.0' });
    a.close();
    b.close();
  });
});

describe('browser mode launch: a one-time code for the address, the secret in an HttpOnly cookie', () => {
  let clock = 0;
  let launching: WebServer;
  beforeAll(async () => {
    launching = await startWebServer({ table: createHandlers(core), staticDir: join(staticDir, 'app'), now: () => clock, launchTtlMs: 60_000 });
  });
  afterAll(() => launching?.close());

  const at = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: launching.port, path, headers: { host: `127.0.0.1:${launching.port}`, ...headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const pathOf = (url: string) => url.slice(`http://127.0.0.1:${launching.port}`.length);
  const ownOrigin = () => `http://127.0.0.1:${launching.port}`;

  it('puts no secret in the addresses a browser sees', () => {
    const launch = launching.launchUrl();
    expect(launch).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${launching.port}/\\?launch=[A-Za-z0-9_-]{32}$`));
    expect(launch).not.toContain(launching.token);
    expect(launching.url).toBe(`http://127.0.0.1:${launching.port}/`);
    expect(launching.launchUrl()).not.toBe(launch); // a fresh code each time
    expect(socketUrlFor(`${launching.url}?launch=abc#x`)).toBe(`ws://127.0.0.1:${launching.port}/ws`);
  });

  it('exchanges a code once for the session cookie and a redirect to the bare address; then the code is dead', async () => {
    const launch = pathOf(launching.launchUrl());
    const first = await at(launch);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(first.headers['cache-control']).toBe('no-store');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toBe(`${launching.cookieName}=${launching.token}; Path=/; HttpOnly; SameSite=Strict`);
    expect(launching.cookieName).toBe(`lenet-studio-${launching.port}`);

    const again = await at(launch);
    expect(again.status).toBe(403);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toMatch(/used already or has expired/);
    // a browser that already has the session is sent on to the app (a reload of an old link)
    const withSession = await at(launch, { cookie: `${launching.cookieName}=${launching.token}` });
    expect(withSession.status).toBe(303);
    expect(withSession.headers['set-cookie']).toBeUndefined();
    // a made-up code, or one with a wrong cookie, gets nothing
    expect((await at('/?launch=guess')).status).toBe(403);
    expect((await at('/?launch=guess', { cookie: `${launching.cookieName}=wrong` })).status).toBe(403);
  });

  it('refuses a code after its time is up', async () => {
    const launch = pathOf(launching.launchUrl());
    clock += 60_001;
    const late = await at(launch);
    expect(late.status).toBe(403);
    expect(late.headers['set-cookie']).toBeUndefined();
    const fresh = pathOf(launching.launchUrl());
    clock += 59_000;
    expect((await at(fresh)).status).toBe(303);
  });

  it('opens the socket with the cookie (or the token), and still only from our Origin and Host', async () => {
    const base = `ws://127.0.0.1:${launching.port}/ws`;
    const session = { cookie: `other=1; ${launching.cookieName}=${launching.token}` };
    expect(await tryConnect(base, { origin: ownOrigin(), headers: session })).toBe('open');
    expect(await tryConnect(base, { origin: ownOrigin() })).toBe(401);
    expect(await tryConnect(base, { origin: ownOrigin(), headers: { cookie: `${launching.cookieName}=${launching.token}x` } })).toBe(401);
    // the cookie of another port's server is not ours
    expect(await tryConnect(base, { origin: ownOrigin(), headers: { cookie: `lenet-studio-${launching.port + 1}=${launching.token}` } })).toBe(401);
    expect(await tryConnect(base, { origin: 'http://evil.example', headers: session })).toBe(403);
    expect(await tryConnect(base, { headers: session })).toBe(403);
    expect(await tryConnect(base, { origin: ownOrigin(), headers: { ...session, host: `evil.example:${launching.port}` } })).toBe(403);
    expect(await tryConnect(launching.wsUrl, { origin: ownOrigin() })).toBe('open');
  });

  it('the page removes a launch code or a token from its address, and keeps the rest', () => {
    expect(addressWithoutSecrets('http://127.0.0.1:5/?launch=abc')).toBe('http://127.0.0.1:5/');
    expect(addressWithoutSecrets('http://127.0.0.1:5/?token=abc&lang=en#top')).toBe('http://127.0.0.1:5/?lang=en#top');
    expect(addressWithoutSecrets('http://127.0.0.1:5/?lang=en')).toBeNull();
    expect(addressWithoutSecrets('app://lenet/index.html')).toBeNull();
  });

  it('leaves the opener page in the data folder for its owner only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lenet-launch-'));
    try {
      const url = launching.launchUrl();
      await writeFile(join(dir, LAUNCH_FILE), 'an older one, readable by all', { mode: 0o644 });
      const path = await writeLaunchFile(dir, url);
      expect(path).toBe(join(dir, LAUNCH_FILE));
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const html = await readFile(path, 'utf8');
      expect(html).toContain(`content="0;url=${url}"`);
      expect(html).not.toContain(launching.token);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
