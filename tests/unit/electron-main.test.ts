import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, METHOD_NAMES } from '../../main/api/channels.ts';
import { ApiError, type LenetApi } from '../../main/api/contract.ts';
import { ModelListSchema, PredictResponseSchema } from '../../main/api/schemas.ts';
import { APP_CSP, APP_ENTRY } from '../../main/electron/policy.ts';
import { wrapBridge } from '../../renderer/transport/bridge.ts';
import { buildMain } from '../../scripts/build-main.ts';
import { asImageDataset, loadMnist } from '../../main/data/mnist.ts';
import { subset } from '../../main/data/split.ts';
import { buildNetwork, createWasmKernels, MODERN_LENET5 } from '../../main/engine/index.ts';
import { fineTuneOptions, type FineTuneInput, type WorkerMessage } from '../../main/training/index.ts';
import { makeModelsDir, unipenInks } from './api-fixtures.ts';

/**
 * The desktop shell as built (dist/main/main.cjs and preload.cjs, bundled by esbuild), run against a fake
 * `electron` module that records what the shell asks of Electron. No Electron binary can run here; this
 * checks the real wiring: scheme, sandbox, window options, guards, IPC, menu, preload bridge, quit.
 */
const root = join(import.meta.dirname, '../..');
type Listener = (...args: unknown[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(name: string, fn: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
    return this;
  }
  once(name: string, fn: Listener): this {
    return this.on(name, fn);
  }
  emit(name: string, ...args: unknown[]): unknown[] {
    return (this.listeners.get(name) ?? []).map((fn) => fn(...args));
  }
}

interface MenuItem {
  label?: string;
  id?: string;
  type?: string;
  checked?: boolean;
  click?: () => void;
}

interface FakeWindow extends Emitter {
  options: Record<string, unknown> & { webPreferences: Record<string, unknown> };
  url?: string;
  webContents: Emitter & { sent: [string, unknown][]; windowOpenHandler?: Listener };
}

let work: string;
let models: Awaited<ReturnType<typeof makeModelsDir>>;
const record = {
  order: [] as string[],
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (req: { url: string; method: string }) => Promise<Response>>(),
  ipc: new Map<string, Listener>(),
  windows: [] as FakeWindow[],
  menu: null as null | { template: { label?: string; role?: string; submenu?: MenuItem[] }[] },
  permissionRequest: undefined as Listener | undefined,
  permissionCheck: undefined as Listener | undefined,
  device: undefined as Listener | undefined,
  exited: [] as number[],
  exposed: new Map<string, unknown>(),
  rendererListeners: new Map<string, Listener[]>(),
};
let app: Emitter;
let originalLoad: unknown;

function fakeElectron(userData: string) {
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  app = Object.assign(new Emitter(), {
    isPackaged: false,
    enableSandbox: () => record.order.push('enableSandbox'),
    requestSingleInstanceLock: () => true,
    whenReady: () => {
      record.order.push('whenReady');
      setTimeout(ready, 0);
      return whenReady;
    },
    getPath: (name: string) => (name === 'userData' ? userData : join(userData, name)),
    getVersion: () => '0.1.0',
    quit: () => record.order.push('quit'),
    exit: (code: number) => record.exited.push(code),
  });
  class BrowserWindow extends Emitter {
    readonly webContents: FakeWindow['webContents'];
    url?: string;
    constructor(readonly options: FakeWindow['options']) {
      super();
      const contents = Object.assign(new Emitter(), {
        sent: [] as [string, unknown][],
        windowOpenHandler: undefined as Listener | undefined,
        send(channel: string, payload: unknown) {
          contents.sent.push([channel, payload]);
          for (const fn of record.rendererListeners.get(channel) ?? []) fn({ sender: 'hidden' }, structuredClone(payload));
        },
        setWindowOpenHandler(fn: Listener) {
          contents.windowOpenHandler = fn;
        },
      });
      this.webContents = contents;
      record.windows.push(this as unknown as FakeWindow);
      app.emit('web-contents-created', {}, contents);
    }
    static getAllWindows = () => record.windows;
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isMaximized = () => false;
    isMinimized = () => false;
    maximize() {}
    getNormalBounds = () => ({ x: 10, y: 20, width: 1280, height: 800 });
  }
  return {
    app,
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        record.order.push('registerSchemes');
        record.schemes.push(...schemes);
      },
      handle: (scheme: string, fn: (req: { url: string; method: string }) => Promise<Response>) => record.protocolHandlers.set(scheme, fn),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Listener) => (record.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Listener) => (record.permissionCheck = fn),
        setDevicePermissionHandler: (fn: Listener) => (record.device = fn),
      },
    },
    ipcMain: { handle: (channel: string, fn: Listener) => record.ipc.set(channel, fn), removeHandler: (channel: string) => record.ipc.delete(channel) },
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: typeof record.menu) => (record.menu = menu),
      // Electron's menu items by id, as getMenuItemById finds them
      getApplicationMenu: () => record.menu && { getMenuItemById: (id: string) => record.menu!.template.flatMap((m) => m.submenu ?? []).find((i) => i.id === id) ?? null },
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    shell: {},
    // the preload's side
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => record.exposed.set(name, api) },
    ipcRenderer: {
      invoke: async (channel: string, payload: unknown) => {
        const handler = record.ipc.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        return structuredClone(await handler({ senderFrame: { url: APP_ENTRY, parent: null } }, structuredClone(payload)));
      },
      on: (channel: string, fn: Listener) => record.rendererListeners.set(channel, [...(record.rendererListeners.get(channel) ?? []), fn]),
      removeListener: (channel: string, fn: Listener) => record.rendererListeners.set(channel, (record.rendererListeners.get(channel) ?? []).filter((f) => f !== fn)),
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  // Inside the project (ignored by git and eslint) so the bundle resolves its packages from node_modules.
  await mkdir(join(root, 'dist'), { recursive: true });
  work = await mkdtemp(join(root, 'dist', 'test-electron-main-'));
  await buildMain(join(work, 'dist/main'));
  await mkdir(join(work, 'dist/renderer'), { recursive: true });
  await writeFile(join(work, 'dist/renderer/index.html'), '<!doctype html><title>LeNet Studio</title>');
  models = await makeModelsDir();
  await cp(models.dir, join(work, 'native-models'), { recursive: true });
  const electron = fakeElectron(join(work, 'userData'));
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  originalLoad = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    if (request === 'electron') return electron;
    return (originalLoad as typeof mod._load).call(this, request, ...rest);
  };
  const require = createRequire(join(work, 'dist/main/main.cjs'));
  require(join(work, 'dist/main/main.cjs'));
  await until(() => record.windows[0]?.url !== undefined, 'the window to load');
  require(join(work, 'dist/main/preload.cjs'));
});

afterAll(async () => {
  if (originalLoad) (Module as unknown as { _load: unknown })._load = originalLoad;
  await models?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the built desktop shell, against a fake Electron', () => {
  it('registers app:// as a privileged scheme and enables the sandbox before the app is ready', () => {
    expect(record.order.slice(0, 3)).toEqual(['registerSchemes', 'enableSandbox', 'whenReady']);
    expect(record.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('opens one isolated, sandboxed window without Node, on the app:// entry', async () => {
    expect(record.windows).toHaveLength(1);
    const [win] = record.windows;
    expect(win.url).toBe(APP_ENTRY);
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false,
      webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false, navigateOnDragDrop: false,
    });
    expect(win.options.webPreferences.preload).toBe(join(work, 'dist/main/preload.cjs'));
    expect(await readFile(win.options.webPreferences.preload as string, 'utf8')).toContain('exposeInMainWorld');
    expect(win.options).toMatchObject({ width: 1280, height: 800, show: false });
  });

  it('serves the renderer over app:// with the CSP', async () => {
    const handler = record.protocolHandlers.get('app')!;
    const res = await handler({ url: APP_ENTRY, method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(await res.text()).toContain('LeNet Studio');
    expect((await handler({ url: 'app://lenet/../../package.json', method: 'GET' })).status).toBe(404);
  });

  it('refuses navigation away, new windows, webviews and every permission', () => {
    const contents = record.windows[0].webContents;
    const navigate = (url: string) => {
      let prevented = false;
      contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://lenet/index.html')).toBe(false);
    let webviewPrevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (webviewPrevented = true) });
    expect(webviewPrevented).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const answers: boolean[] = [];
    record.permissionRequest?.({}, 'media', (ok: boolean) => answers.push(ok));
    record.permissionRequest?.({}, 'notifications', (ok: boolean) => answers.push(ok));
    expect(answers).toEqual([false, false]);
    expect(record.permissionCheck?.({}, 'clipboard-read')).toBe(false);
    expect(record.device?.({})).toBe(false);
  });

  it('handles every contract channel over ipcMain and refuses foreign frames', async () => {
    expect([...record.ipc.keys()].sort()).toEqual(Object.values(CHANNELS).sort());
    const foreign = await record.ipc.get(CHANNELS.listModels)!({ senderFrame: { url: 'https://evil.example/' } }, {});
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const appInfo = await record.ipc.get(CHANNELS.appInfo)!({ senderFrame: { url: APP_ENTRY } }, {});
    expect(appInfo).toMatchObject({ ok: true, value: { transport: 'electron', version: '0.1.0' } });
  });

  it('exposes exactly the contract through the preload, end to end to the core', async () => {
    expect([...record.exposed.keys()]).toEqual(['lenet']);
    const bridge = record.exposed.get('lenet') as LenetApi;
    expect(Object.keys(bridge).sort()).toEqual([...METHOD_NAMES, 'onEvent'].sort());
    expect(Object.isFrozen(bridge)).toBe(true);
    const api = wrapBridge(bridge);
    const list = ModelListSchema.parse(await api.listModels());
    expect(list.activeId).toBe('modern');
    const [ink] = await unipenInks(1);
    const prediction = PredictResponseSchema.parse(await api.predict({ ink: { strokes: ink.strokes } }));
    expect(prediction.activations).toHaveLength(7);
    const error = await api.modelInfo({ id: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not-found', message: expect.stringMatching(/^no model called nope/) });

    const changes: string[] = [];
    const stop = api.onEvent('modelChanged', (payload) => changes.push(payload.activeId));
    await api.activateModel({ id: 'classic' });
    stop();
    await api.activateModel({ id: 'modern' });
    expect(changes).toEqual(['classic']);
    expect(() => bridge.onEvent('nope' as never, () => undefined)).toThrow(/unknown event/);
  });

  it('ships the engine\'s WebAssembly SIMD kernels beside the bundles, compiled from main/wasm/kernels.wat', async () => {
    const kernels = createWasmKernels(await readFile(join(work, 'dist/main/kernels.wasm')));
    const c = new Float32Array(2);
    kernels.gemm(false, false, 1, 2, 2, Float32Array.from([1, 2]), 0, Float32Array.from([3, 4, 5, 6]), 0, c, 0, false);
    expect([...c]).toEqual([13, 16]);
  });

  it('bundles the training workers: a fine-tune runs from the built files, with a gradient thread of its own', async () => {
    const mnist = asImageDataset(await loadMnist('test'));
    const indices = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
    const input: FineTuneInput = {
      spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5, { seed: 3 }).getWeights(), baseModelId: 'base',
      train: subset(mnist, indices(0, 32)), heldOut: null, replay: subset(mnist, indices(100, 64)), mnistTest: subset(mnist, indices(200, 50)),
      options: fineTuneOptions({ epochs: 1, heldOutFraction: 0, threads: 2 }),
    };
    const worker = new Worker(join(work, 'dist/main/fine-tune-worker.mjs'), { workerData: { input, cancel: new SharedArrayBuffer(4) } });
    const messages: WorkerMessage[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        messages.push(m);
        if (m.type === 'outcome' || m.type === 'error') resolve();
      });
      worker.on('error', reject);
    });
    await worker.terminate();
    const last = messages.at(-1)!;
    expect(last.type === 'error' ? last.message : last.type).toBe('outcome');
    expect(last).toMatchObject({ outcome: { status: 'done', card: { samples: { train: 32 } } } });
    expect(messages.some((m) => m.type === 'epoch')).toBe(true);
  });

  it('has the native menu, whose page commands reach the page as events', () => {
    const labels = record.menu?.template.map((m) => m.label ?? m.role);
    expect(labels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'help']));
    // this fake app is not packaged: a development build, with the developer tools in View
    const view = record.menu?.template.find((m) => m.label === 'View') as { submenu?: { role?: string }[] } | undefined;
    expect(view?.submenu?.some((i) => i.role === 'toggleDevTools')).toBe(true);
    expect(record.windows[0].options.webPreferences.devTools).toBe(true);
    const api = record.exposed.get('lenet') as LenetApi;
    const commands: string[] = [];
    const stop = api.onEvent('menuCommand', ({ command }) => commands.push(command));
    const edit = record.menu?.template.find((m) => m.label === 'Edit');
    edit?.submenu?.find((i) => i.label === 'Undo')?.click?.();
    edit?.submenu?.find((i) => i.label === 'Redo')?.click?.();
    stop();
    expect(commands).toEqual(['undo', 'redo']);
    expect(record.windows[0].webContents.sent.filter(([c]) => c === EVENTS.menuCommand)).toHaveLength(2);
  });

  it("shows presentation mode as a checkbox that follows the page's state, however it was toggled", async () => {
    const view = record.menu?.template.find((m) => m.label === 'View');
    const item = view?.submenu?.find((i) => i.label === 'Presentation Mode');
    expect(item).toMatchObject({ type: 'checkbox', checked: false, id: 'presentation' });
    const api = record.exposed.get('lenet') as LenetApi;
    const commands: string[] = [];
    const stop = api.onEvent('menuCommand', ({ command }) => commands.push(command));
    item?.click?.();
    expect(commands).toEqual(['toggle-presentation']);
    stop();
    // the page turned it on (by the menu, the P key or its button) and says so: the item is checked
    await api.setViewState({ presenting: true });
    await until(() => item?.checked === true, 'the item to be checked');
    await api.setViewState({ presenting: false });
    await until(() => item?.checked === false, 'the item to be unchecked');
    await expect(api.setViewState({ presenting: 'yes' } as never)).rejects.toThrow(/presenting/);
  });

  it('remembers the window state and releases the core on quit', async () => {
    record.windows[0].emit('close');
    app.emit('will-quit', { preventDefault: () => undefined });
    await until(() => record.exited.length > 0, 'the app to exit');
    expect(record.exited).toEqual([0]);
    const state = JSON.parse(await readFile(join(work, 'userData', 'window-state.json'), 'utf8'));
    expect(state).toEqual({ x: 10, y: 20, width: 1280, height: 800, maximized: false });
  });
});
