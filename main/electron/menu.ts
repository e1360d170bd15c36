import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../api/contract.ts';

export interface MenuActions {
  /** Sends a command to the page (undo, redo, clear, ...); the page owns the drawing and its history. */
  command(command: MenuCommand['command']): void;
  quit(): void;
}

export interface MenuOptions {
  readonly appName?: string;
  /** Whether presentation mode is on as the menu is built (the page reports every change after). */
  readonly presenting?: boolean;
  /** View -> Toggle Developer Tools: development builds only (`!app.isPackaged`), never a packaged app. */
  readonly devTools?: boolean;
}

/** The id of the View menu's presentation checkbox. */
export const PRESENTATION_ITEM = 'presentation';

/** What showPresenting needs of Electron's Menu. */
interface MenuWithItems {
  getMenuItemById(id: string): { checked: boolean } | null;
}

/**
 * Sets the presentation checkbox to the page's state. Electron flips a checkbox itself when it is
 * clicked; the page's answer then confirms it, and a toggle by key or button sets it here.
 */
export function showPresenting(menu: MenuWithItems | null, presenting: boolean): void {
  const item = menu?.getMenuItemById(PRESENTATION_ITEM);
  if (item) item.checked = presenting;
}

/**
 * The native menu. Undo, redo and clear act on the drawing, which lives in the page: their accelerators are
 * shown but not registered (registerAccelerator: false), so the keys reach the page's own shortcuts and a
 * click on the menu item sends the same command — one keyboard path, no double undo.
 */
export function menuTemplate(actions: MenuActions, platform: NodeJS.Platform, options: MenuOptions = {}): MenuItemConstructorOptions[] {
  const appName = options.appName ?? 'LeNet Studio';
  const isMac = platform === 'darwin';
  const pageCommand = (label: string, command: MenuCommand['command'], accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    registerAccelerator: false,
    click: () => actions.command(command),
  });
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: appName,
      submenu: [
        { label: `About ${appName}`, click: () => actions.command('show-about') },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: 'File',
      submenu: [
        pageCommand('Clear Drawing', 'clear', 'Escape'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        pageCommand('Undo', 'undo', 'CmdOrCtrl+Z'),
        pageCommand('Redo', 'redo', isMac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        pageCommand('Show Preprocessing Steps', 'toggle-steps', 'S'),
        // For projectors: larger type, drawing and prediction; the page remembers the choice and reports
        // it (setViewState), so the check mark follows the P key and the header's button too.
        { ...pageCommand('Presentation Mode', 'toggle-presentation', 'P'), id: PRESENTATION_ITEM, type: 'checkbox', checked: options.presenting ?? false },
        {
          label: 'Language',
          submenu: [
            { label: 'English', click: () => actions.command('language-en') },
            { label: '简体中文', click: () => actions.command('language-zh-CN') },
          ],
        },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(options.devTools ? [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const] : []),
      ],
    },
    {
      role: 'help',
      submenu: [{ label: `About ${appName}`, click: () => actions.command('show-about') }],
    },
  );
  return template;
}
