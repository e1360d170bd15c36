import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS } from '../../main/api/channels.ts';
import { MenuCommandSchema } from '../../main/api/schemas.ts';
import { serveAppRequest } from '../../main/electron/app-protocol.ts';
import { menuTemplate } from '../../main/electron/menu.ts';
import { registerIpc } from '../../main/electron/ipc.ts';
import {
  allowNavigation, APP_CSP, APP_ENTRY, isAppUrl, permissionDecision, senderProblem, windowOpenDecision,
} from '../../main/electron/policy.ts';
import { DEFAULT_WINDOW_STATE, fitToDisplays, loadWindowState, saveWindowState } from '../../main/electron/window-state.ts';
import type { MenuItemConstructorOptions } from 'electron';

const root = join(import.meta.dirname, '../..');

describe('the page policy', () => {
  it('has a CSP that allows only its own scripts and no connections', () => {
    const directives = new Map(APP_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(APP_CSP).not.toMatch(/unsafe-(inline|eval)/);
  });
});

describe('origins, senders, navigation, new windows, permissions', () => {
  it('knows its own origin and nothing else', () => {
    for (const url of [APP_ENTRY, 'app://lenet/', 'app://lenet/assets/x.js?v=1#a']) expect(isAppUrl(url), url).toBe(true);
    for (const url of ['file:///app/index.html', 'https://lenet/', 'app://evil/', 'app://lenet.evil.example/', 'app://user:pw@lenet/',
      'app://lenet:81/', 'javascript:alert(1)', 'data:text/html,x', 'about:blank', '', 'not a url', null, 42]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
  });

  it('serves IPC only to our top frame', () => {
    expect(senderProblem({ url: APP_ENTRY })).toBeNull();
    expect(senderProblem(null)).toMatch(/gone/);
    expect(senderProblem({ url: 'https://evil.example/' })).toMatch(/evil\.example.*not served/);
    expect(senderProblem({ url: APP_ENTRY, parent: {} })).toMatch(/sub-frames/);
  });

  it('refuses navigation away, every new window and every permission', () => {
    expect(allowNavigation('app://lenet/index.html')).toBe(true);
    expect(allowNavigation('https://example.com/')).toBe(false);
    expect(allowNavigation('file:///etc/passwd')).toBe(false);
    expect(windowOpenDecision({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(windowOpenDecision({ url: APP_ENTRY })).toEqual({ action: 'deny' });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'usb', 'unknown']) {
      expect(permissionDecision(p), p).toBe(false);
    }
  });

  it('registers one ipcMain handler per contract channel, each checking its sender', async () => {
    const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
    const ipcMain = {
      handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => handlers.set(channel, fn),
      removeHandler: (channel: string) => handlers.delete(channel),
    };
    const calls: string[] = [];
    const table = Object.fromEntries(Object.values(CHANNELS).map((c) => [c, async (p: unknown) => { calls.push(c); return p; }])) as never;
    const unregister = registerIpc(ipcMain as never, table);
    expect([...handlers.keys()].sort()).toEqual(Object.values(CHANNELS).sort());
    const fromApp = await handlers.get(CHANNELS.appInfo)!({ senderFrame: { url: APP_ENTRY } }, {});
    expect(fromApp).toEqual({ ok: true, value: {} });
    const fromElsewhere = await handlers.get(CHANNELS.appInfo)!({ senderFrame: { url: 'https://evil.example/' } }, {});
    expect(fromElsewhere).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([CHANNELS.appInfo]);
    unregister();
    expect(handlers.size).toBe(0);
  });
});

describe('the preload and the process boundary', () => {
  async function sources(dir: string): Promise<string[]> {
    const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile() && /\.tsx?$/.test(e.name)).map((e) => relative(root, join(e.parentPath, e.name)));
  }

  it('exposes exactly the contract through contextBridge and never ipcRenderer itself', async () => {
    const preload = await readFile(join(root, 'main/electron/preload.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toMatch(/exposeInMainWorld\('lenet', Object\.freeze\(api\)\)/);
    expect(preload).toMatch(/for \(const method of METHOD_NAMES\)/);
    // the only values placed on `api` are the methods and onEvent
    expect([...preload.matchAll(/api\.(\w+) =/g)].map((m) => m[1])).toEqual(['onEvent']);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    const imports = [...preload.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.sort()).toEqual(['../api/channels.ts', 'electron']);
  });

  it('keeps electron out of everything in main/ but main/electron', async () => {
    const offenders: string[] = [];
    for (const file of await sources('main')) {
      if (file.startsWith('main/electron/')) continue;
      const text = await readFile(join(root, file), 'utf8');
      if (/from ['"]electron['"]|require\(['"]electron['"]\)|import\(['"]electron['"]\)/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});

describe('the menu', () => {
  function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
    return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
  }

  it('has File, Edit with undo and redo, View and Help, and sends page commands the contract knows', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const sent: string[] = [];
      const template = menuTemplate({ command: (c) => sent.push(c), quit: () => sent.push('quit') }, platform);
      const labels = template.map((i) => i.label ?? i.role);
      expect(labels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'help']));
      const items = flatten(template);
      const undo = items.find((i) => i.label === 'Undo');
      const redo = items.find((i) => i.label === 'Redo');
      expect(undo?.accelerator).toBe('CmdOrCtrl+Z');
      expect(redo?.accelerator).toBeDefined();
      for (const item of items) (item.click as (() => void) | undefined)?.();
      expect(sent).toEqual(expect.arrayContaining(['undo', 'redo', 'clear', 'toggle-presentation', 'show-about', 'language-en', 'language-zh-CN']));
      // single-key accelerators are shown, not registered: the page's own shortcut handles the key
      const present = items.find((i) => i.label === 'Presentation Mode');
      expect([present?.accelerator, present?.registerAccelerator]).toEqual(['P', false]);
      for (const c of sent.filter((s) => s !== 'quit')) expect(MenuCommandSchema.safeParse({ command: c }).success, c).toBe(true);
    }
    expect(EVENTS.menuCommand).toBe('lenet:menu-command');
  });

  it('offers the developer tools in development builds only, never in a packaged app', () => {
    const actions = { command: () => undefined, quit: () => undefined };
    const devTools = (template: MenuItemConstructorOptions[]) => flatten(template).filter((i) => i.role === 'toggleDevTools' || /developer/i.test(i.label ?? ''));
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      // what main.ts passes: devTools = !app.isPackaged
      expect(devTools(menuTemplate(actions, platform, { devTools: false })), `${platform} packaged`).toEqual([]);
      expect(devTools(menuTemplate(actions, platform)), `${platform} default`).toEqual([]);
      const dev = menuTemplate(actions, platform, { devTools: true });
      expect(devTools(dev), `${platform} development`).toHaveLength(1);
      const view = dev.find((i) => i.label === 'View');
      expect(Array.isArray(view?.submenu) && view.submenu.some((i) => i.role === 'toggleDevTools')).toBe(true);
    }
  });
});

describe('the window state file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lenet-state-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('round-trips, and a missing or corrupt file gives the default', async () => {
    const path = join(dir, 'window-state.json');
    expect(await loadWindowState(path)).toEqual(DEFAULT_WINDOW_STATE);
    await saveWindowState(path, { x: 10, y: 20, width: 1400, height: 900, maximized: true });
    expect(await loadWindowState(path)).toEqual({ x: 10, y: 20, width: 1400, height: 900, maximized: true });
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
    for (const bad of ['{', '[]', '{"width": -5, "height": 10}', '{"width": "big", "height": 800}']) {
      await writeFile(path, bad);
      expect(await loadWindowState(path), bad).toEqual(DEFAULT_WINDOW_STATE);
    }
  });

  it('keeps a remembered window on a display that still exists', () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];
    expect(fitToDisplays({ x: 100, y: 100, width: 1280, height: 800, maximized: false }, screen)).toEqual({ x: 100, y: 100, width: 1280, height: 800, maximized: false });
    // saved on a second monitor that is gone: centred instead
    expect(fitToDisplays({ x: 2500, y: 100, width: 1280, height: 800, maximized: false }, screen)).toMatchObject({ x: undefined, y: undefined });
    // title bar above the screen: unreachable
    expect(fitToDisplays({ x: 100, y: -300, width: 1280, height: 800, maximized: false }, screen)).toMatchObject({ x: undefined });
    // larger than the display: shrunk
    expect(fitToDisplays({ x: 0, y: 0, width: 4000, height: 3000, maximized: false }, screen)).toMatchObject({ width: 1920, height: 1040 });
  });
});

describe('the app:// protocol', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lenet-app-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
    await writeFile(join(dir, 'renderer', 'assets', 'a.css'), 'body{}');
    await writeFile(join(dir, 'secret.txt'), 'secret');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the built renderer with the CSP and refuses everything else', async () => {
    const get = (url: string, method = 'GET') => serveAppRequest(join(dir, 'renderer'), { url, method });
    const index = await get('app://lenet/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(APP_CSP);
    expect((await get('app://lenet/assets/a.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const url of ['app://lenet/../secret.txt', 'app://lenet/%2e%2e/secret.txt', 'app://lenet/assets/..%2f..%2fsecret.txt', 'app://other/index.html', 'app://lenet/nope.js']) {
      const res = await get(url);
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toContain('secret');
    }
    expect((await get(APP_ENTRY, 'POST')).status).toBe(405);
  });
});
