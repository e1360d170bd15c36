import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../api/contract.ts';

export interface MenuActions {
  /** Sends a command to the page (undo, redo, clear, ...); the page owns the drawing and its history. */
  command(command: MenuCommand['command']): void;
  quit(): void;
}

export interface MenuOptions {
  readonly appName?: string;
  /** View -> Toggle Developer Tools: development builds only (`!app.isPackaged`), never a packaged app. */
  readonly devTools?: boolean;
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
        // For projectors: larger type, drawing and prediction; the page remembers the choice.
        pageCommand('Presentation Mode', 'toggle-presentation', 'P'),
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
