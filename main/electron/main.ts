import { join, resolve } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, protocol, screen, session, type WebContents } from 'electron';
import { EVENTS } from '../api/channels.ts';
import { createHandlers } from '../api/handlers.ts';
import type { Core } from '../core/core.ts';
import { openCore } from '../core/open-core.ts';
import { serveAppRequest } from './app-protocol.ts';
import { registerIpc } from './ipc.ts';
import { menuTemplate, showPresenting } from './menu.ts';
import { allowNavigation, APP_ENTRY, APP_SCHEME, permissionDecision, windowOpenDecision } from './policy.ts';
import { fitToDisplays, loadWindowState, saveWindowState, type WindowState } from './window-state.ts';

/**
 * The desktop shell: one window over the app:// protocol, the core behind ipcMain. Bundled by
 * scripts/build-main.ts into dist/main/main.cjs, beside preload.cjs; the renderer is dist/renderer.
 */
const DIST_MAIN = __dirname;
const RENDERER_DIR = resolve(DIST_MAIN, '../renderer');
const PRELOAD = join(DIST_MAIN, 'preload.cjs');
const BUNDLED_MODELS = app.isPackaged ? join(process.resourcesPath, 'native-models') : resolve(DIST_MAIN, '../../native-models');

// Before 'ready': app:// behaves like https (standard URL parsing, secure context, fetch allowed).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  void start();
}

/** Every web contents, whoever creates it: no navigation away, no new windows, no webviews. */
app.on('web-contents-created', (_event, contents: WebContents) => {
  contents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!allowNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(windowOpenDecision);
});

async function start(): Promise<void> {
  await app.whenReady();
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
  ses.setDevicePermissionHandler(() => false);
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(RENDERER_DIR, request));

  let core: Core;
  try {
    core = await openCore({
      bundledModelsDir: BUNDLED_MODELS,
      dataDir: app.getPath('userData'),
      version: app.getVersion(),
      transport: 'electron',
      versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
      warn: (message) => console.warn(`warning: ${message}`),
    });
  } catch (err) {
    console.error(`LeNet Studio cannot start its core: ${(err as Error).message}`);
    app.exit(1);
    return;
  }
  const unregister = registerIpc(ipcMain, createHandlers(core));
  const { win, saved } = await createWindow();
  const unsubscribe = core.subscribe((event) => {
    if (event.name === 'viewStateChanged') showPresenting(Menu.getApplicationMenu(), event.payload.presenting);
    if (!win.isDestroyed()) win.webContents.send(EVENTS[event.name], event.payload);
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({ command: (command) => win.webContents.send(EVENTS.menuCommand, { command }), quit: () => app.quit() }, process.platform, { devTools: !app.isPackaged }),
    ),
  );
  app.on('window-all-closed', () => app.quit());
  app.once('will-quit', (event) => {
    event.preventDefault();
    unsubscribe();
    unregister();
    void saved()
      .then(() => core.close())
      .finally(() => app.exit(0));
  });
}

/** Creates the window; `saved()` resolves once its last placement is on disk. */
async function createWindow(): Promise<{ win: BrowserWindow; saved: () => Promise<void> }> {
  const statePath = join(app.getPath('userData'), 'window-state.json');
  const saved = fitToDisplays(await loadWindowState(statePath), screen.getAllDisplays().map((d) => d.workArea));
  // Written out here, not built elsewhere, so Electronegativity's static checks can read every option.
  const win = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    x: saved.x,
    y: saved.y,
    minWidth: 960,
    minHeight: 640,
    title: 'LeNet Studio',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      safeDialogs: true,
      // A packaged app opens no developer tools, by menu, shortcut or script.
      devTools: !app.isPackaged,
    },
  });
  if (saved.maximized) win.maximize();

  let latest: WindowState = saved;
  const remember = () => {
    if (win.isDestroyed()) return;
    const maximized = win.isMaximized();
    latest = maximized ? { ...latest, maximized } : { ...win.getNormalBounds(), maximized };
  };
  win.on('resize', remember);
  win.on('move', remember);
  let saving: Promise<void> = Promise.resolve();
  win.on('close', () => {
    remember();
    saving = saveWindowState(statePath, latest).catch((err: unknown) => console.warn(`warning: window state not saved: ${(err as Error).message}`));
  });

  win.once('ready-to-show', () => win.show());
  await win.loadURL(APP_ENTRY);
  return { win, saved: () => saving };
}
