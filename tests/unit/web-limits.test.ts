import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHANNELS } from '../../main/api/channels.ts';
import type { HandlerTable } from '../../main/api/handlers.ts';
import { createInFlightGate } from '../../main/api/in-flight.ts';
import { LIMITS } from '../../main/api/schemas.ts';
import { decodeFrame, encodeFrame } from '../../main/api/wire-codec.ts';
import { registerIpc } from '../../main/electron/ipc.ts';
import { APP_ENTRY } from '../../main/electron/policy.ts';
import { leadingId, startWebServer, type WebServer } from '../../main/web/server.ts';

/**
 * The bounds on work in flight: calls per page, calls and bytes across all pages, the frame sizes. The
 * handlers here hold every call until the test lets them go, so what is in flight is exact, not timed.
 */
interface Held {
  readonly table: HandlerTable;
  /** Payloads the handlers were called with, in order. */
  readonly seen: unknown[];
  /** Answers every held call. */
  releaseAll(): void;
}

function heldTable(): Held {
  const seen: unknown[] = [];
  let waiting: (() => void)[] = [];
  const handler = (payload: unknown) => {
    seen.push(payload);
    return new Promise<unknown>((resolve) => waiting.push(() => resolve({ echoed: true })));
  };
  const table = Object.fromEntries(Object.values(CHANNELS).map((c) => [c, handler])) as HandlerTable;
  return {
    table,
    seen,
    releaseAll() {
      const now = waiting;
      waiting = [];
      for (const go of now) go();
    },
  };
}

type Reply = { id: number | null; ok: boolean; error?: { code: string; message: string }; value?: unknown };

async function connect(server: WebServer): Promise<{ ws: WebSocket; next(): Promise<Reply>; closed: Promise<number> }> {
  const ws = new WebSocket(server.wsUrl, { origin: `http://127.0.0.1:${server.port}` });
  const queue: Reply[] = [];
  const waiters: ((r: Reply) => void)[] = [];
  ws.on('message', (data, isBinary) => {
    const reply = decodeFrame(isBinary ? new Uint8Array(data as Buffer) : String(data)) as Reply;
    const w = waiters.shift();
    if (w) w(reply);
    else queue.push(reply);
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  ws.on('error', () => undefined);
  await new Promise((r) => ws.on('open', r));
  return { ws, closed, next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))) };
}

const call = (id: number, channel: string = CHANNELS.appInfo) => JSON.stringify({ id, channel, payload: {} });

/** Waits until the held handlers have been reached `n` times (the frames are in the server's hands). */
async function reached(held: Held, n: number, probe: () => Promise<void>): Promise<void> {
  while (held.seen.length < n) await probe();
}

let servers: WebServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function serve(held: Held, options: Partial<Parameters<typeof startWebServer>[0]> = {}): Promise<WebServer> {
  const server = await startWebServer({ table: held.table, staticDir: '/nonexistent', ...options });
  servers.push(server);
  return server;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('calls in flight on one page', () => {
  it('refuses calls beyond the per-page cap with unavailable, keeps the socket, and serves calls once answered', async () => {
    const held = heldTable();
    const server = await serve(held);
    const page = await connect(server);
    const cap = LIMITS.maxInFlightPerConnection;
    for (let i = 0; i < cap + 5; i++) page.ws.send(call(i));
    // The five beyond the cap are answered at once, while the first `cap` are still held.
    const refused = [await page.next(), await page.next(), await page.next(), await page.next(), await page.next()];
    expect(refused.map((r) => r.id)).toEqual([cap, cap + 1, cap + 2, cap + 3, cap + 4]);
    for (const r of refused) {
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe('unavailable');
      expect(r.error?.message).toContain(`too many calls in flight on this connection (at most ${cap})`);
    }
    await reached(held, cap, tick);
    expect(held.seen).toHaveLength(cap);
    held.releaseAll();
    const answered: Reply[] = [];
    for (let i = 0; i < cap; i++) answered.push(await page.next());
    expect(answered.every((r) => r.ok)).toBe(true);
    expect(answered.map((r) => r.id).sort((a, b) => a! - b!)).toEqual(Array.from({ length: cap }, (_, i) => i));
    // Later calls are served on the same socket.
    page.ws.send(call(500));
    await reached(held, cap + 1, tick);
    held.releaseAll();
    expect(await page.next()).toMatchObject({ id: 500, ok: true });
    expect(page.ws.readyState).toBe(WebSocket.OPEN);
    page.ws.close();
  });
});

describe('calls and bytes in flight across pages', () => {
  it('refuses calls beyond the total cap, whichever page sends them', async () => {
    const held = heldTable();
    const server = await serve(held, { maxInFlight: 4, maxInFlightTotal: 6 });
    const a = await connect(server);
    const b = await connect(server);
    for (let i = 0; i < 4; i++) a.ws.send(call(i));
    await reached(held, 4, tick);
    for (let i = 10; i < 14; i++) b.ws.send(call(i));
    const refused = [await b.next(), await b.next()];
    expect(refused.map((r) => r.id)).toEqual([12, 13]);
    for (const r of refused) expect(r.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('across all pages (at most 6)') });
    held.releaseAll();
    for (let i = 0; i < 4; i++) expect((await a.next()).ok).toBe(true);
    for (let i = 0; i < 2; i++) expect((await b.next()).ok).toBe(true);
    b.ws.send(call(20));
    await reached(held, 7, tick);
    held.releaseAll();
    expect(await b.next()).toMatchObject({ id: 20, ok: true });
    a.ws.close();
    b.ws.close();
  });

  it('refuses frames once the bytes being processed would pass the total, and admits them again after', async () => {
    const held = heldTable();
    const server = await serve(held, { maxMessageBytes: 10_000, maxBytesInFlight: 25_000 });
    const a = await connect(server);
    const b = await connect(server);
    const sized = (id: number) => {
      const frame = JSON.stringify({ id, channel: CHANNELS.listSamples, payload: { note: 'x'.repeat(9_000) } });
      expect(frame.length).toBeLessThan(10_000);
      return frame;
    };
    a.ws.send(sized(3));
    b.ws.send(sized(4));
    await reached(held, 2, tick);
    b.ws.send(sized(5)); // 3 x ~9 KB > 25,000 bytes
    expect(await b.next()).toMatchObject({ id: 5, ok: false, error: { code: 'unavailable', message: expect.stringContaining('bytes of requests in flight across all pages (at most 25000)') } });
    b.ws.send(call(6)); // a small call still fits beside the two
    await reached(held, 3, tick);
    held.releaseAll();
    const answers = [await a.next(), await b.next(), await b.next()];
    expect(answers.map((r) => [r.id, r.ok]).sort()).toEqual([[3, true], [4, true], [6, true]]);
    b.ws.send(sized(7));
    await reached(held, 4, tick);
    held.releaseAll();
    expect(await b.next()).toMatchObject({ id: 7, ok: true });
    a.ws.close();
    b.ws.close();
  });

  it('with the default limits, holds at most two of the largest frames and refuses a third; an import of the maximum size fits one frame', async () => {
    const held = heldTable();
    const server = await serve(held);
    const importFrame = (id: number) => encodeFrame({ id, channel: CHANNELS.importSamples, payload: { fileName: 'x.zip', bytes: new Uint8Array(LIMITS.maxImportBytes) } }) as Uint8Array;
    const frame = importFrame(1);
    expect(frame.byteLength).toBeLessThanOrEqual(LIMITS.maxMessageBytes);
    expect(frame.byteLength * 3).toBeGreaterThan(LIMITS.maxBytesInFlight);
    const pages = [await connect(server), await connect(server), await connect(server)];
    pages[0].ws.send(importFrame(1));
    pages[1].ws.send(importFrame(2));
    await reached(held, 2, tick);
    pages[2].ws.send(importFrame(3));
    expect(await pages[2].next()).toMatchObject({ id: 3, ok: false, error: { code: 'unavailable' } });
    expect((held.seen[0] as { bytes: Uint8Array }).bytes).toHaveLength(LIMITS.maxImportBytes);
    held.releaseAll();
    expect(await pages[0].next()).toMatchObject({ id: 1, ok: true });
    expect(await pages[1].next()).toMatchObject({ id: 2, ok: true });
    pages[2].ws.send(call(4));
    await reached(held, 3, tick);
    held.releaseAll();
    expect(await pages[2].next()).toMatchObject({ id: 4, ok: true });
    for (const p of pages) p.ws.close();
  });
});

describe('frame sizes', () => {
  it('refuses JSON longer than maxJsonBytes as a bad request and keeps the socket; closes on a frame over maxMessageBytes', async () => {
    const held = heldTable();
    const server = await serve(held, { maxJsonBytes: 1_000, maxMessageBytes: 5_000 });
    const page = await connect(server);
    page.ws.send(JSON.stringify({ id: 1, channel: CHANNELS.appInfo, payload: { pad: 'x'.repeat(2_000) } }));
    expect(await page.next()).toMatchObject({ id: null, ok: false, error: { code: 'bad-request', message: expect.stringContaining('longer than 1000 bytes') } });
    const binary = encodeFrame({ id: 2, channel: CHANNELS.appInfo, payload: { pad: 'x'.repeat(2_000), bytes: new Uint8Array(8) } });
    page.ws.send(binary);
    expect(await page.next()).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('longer than 1000 bytes') } });
    expect(held.seen).toHaveLength(0);
    page.ws.send(new Uint8Array(5_001));
    expect(await page.closed).toBe(1009);
  });

  it('the per-frame cap is what the largest legitimate request needs, not more', () => {
    const frame = encodeFrame({ id: Number.MAX_SAFE_INTEGER, channel: CHANNELS.importSamples, payload: { fileName: 'n'.repeat(255), bytes: new Uint8Array(LIMITS.maxImportBytes) } });
    expect(frame.length).toBeLessThanOrEqual(LIMITS.maxMessageBytes);
    expect(LIMITS.maxMessageBytes - LIMITS.maxImportBytes).toBeLessThanOrEqual(64 * 1024);
    expect(LIMITS.maxBytesInFlight).toBeGreaterThanOrEqual(LIMITS.maxMessageBytes);
  });

  it('reads the id of a refused frame off its first bytes, without parsing it', () => {
    expect(leadingId(Buffer.from('{"id":42,"channel":"x"}'), false)).toBe(42);
    expect(leadingId(encodeFrame({ id: 7, channel: 'x', payload: { b: new Uint8Array(1) } }) as Uint8Array, true)).toBe(7);
    expect(leadingId(Buffer.from('{"channel":"x","id":1}'), false)).toBeNull();
    expect(leadingId(Buffer.from('{"id":99999999999999999}'), false)).toBeNull();
    expect(leadingId(Buffer.from('garbage'), false)).toBeNull();
  });
});

describe('the in-flight gate', () => {
  it('counts calls and bytes, and a release counts once', () => {
    const gate = createInFlightGate({ maxCalls: 2, maxBytes: 10 });
    const a = gate.enter(6);
    expect(a.ok).toBe(true);
    expect(gate.enter(5)).toMatchObject({ ok: false, why: expect.stringContaining('bytes') });
    const b = gate.enter(4);
    expect(gate.enter(0)).toMatchObject({ ok: false, why: expect.stringContaining('calls') });
    if (a.ok) {
      a.release();
      a.release();
    }
    expect(gate.calls).toBe(1);
    expect(gate.bytes).toBe(4);
    if (b.ok) b.release();
    expect([gate.calls, gate.bytes]).toEqual([0, 0]);
  });
});

describe('Electron IPC', () => {
  it('refuses calls beyond the total in-flight cap with unavailable and serves again once they are answered', async () => {
    const held = heldTable();
    const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
    const ipcMain = {
      handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => handlers.set(channel, fn),
      removeHandler: (channel: string) => handlers.delete(channel),
    };
    registerIpc(ipcMain as never, held.table, 3);
    const event = { senderFrame: { url: APP_ENTRY } };
    const inFlight = [CHANNELS.appInfo, CHANNELS.listModels, CHANNELS.predict].map((c) => handlers.get(c)!(event, {}));
    await reached(held, 3, tick);
    expect(await handlers.get(CHANNELS.modelInfo)!(event, {})).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('at most 3') } });
    held.releaseAll();
    for (const result of await Promise.all(inFlight)) expect(result).toMatchObject({ ok: true });
    const later = handlers.get(CHANNELS.appInfo)!(event, {});
    await reached(held, 4, tick);
    held.releaseAll();
    expect(await later).toMatchObject({ ok: true });
  });

  it('has the same default total as browser mode', async () => {
    const held = heldTable();
    const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
    registerIpc({ handle: (c: string, fn: never) => handlers.set(c, fn), removeHandler: () => undefined } as never, held.table);
    const event = { senderFrame: { url: APP_ENTRY } };
    const inFlight = Array.from({ length: LIMITS.maxInFlightTotal }, () => handlers.get(CHANNELS.appInfo)!(event, {}));
    await reached(held, LIMITS.maxInFlightTotal, tick);
    expect(await handlers.get(CHANNELS.appInfo)!(event, {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    held.releaseAll();
    await Promise.all(inFlight);
  });
});
