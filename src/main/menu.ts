// The application menu. Commands that are not wired to the service yet are placeholders that
// log; developer tools appear only in development builds. Installing replaces the default
// Electron menu (which exposes devtools and a Help menu pointing at electronjs.org).
import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { toDisposable } from './lifecycle';
import type { Disposable } from './lifecycle';

export interface MenuOptions {
  readonly appName: string;
  readonly isDev: boolean;
  readonly isMac: boolean;
  readonly onOpenLake: () => void;
}

function template(options: MenuOptions): MenuItemConstructorOptions[] {
  const { appName, isDev, isMac, onOpenLake } = options;
  const menus: MenuItemConstructorOptions[] = [];
  if (isMac) {
    // macOS puts About/Hide/Quit under a menu named after the app.
    menus.push({ label: appName, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'quit' }] });
  }
  menus.push({
    label: 'File',
    submenu: [
      { label: 'Open Lake…', accelerator: 'CmdOrCtrl+O', click: onOpenLake },
      { type: 'separator' },
      { role: 'reload' },
      ...(isMac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  });
  // Without an Edit menu, macOS disables copy and paste shortcuts in text fields.
  menus.push({ role: 'editMenu' });
  if (isDev) {
    menus.push({ label: 'View', submenu: [{ role: 'toggleDevTools' }] });
  }
  return menus;
}

export function installApplicationMenu(options: MenuOptions): Disposable {
  Menu.setApplicationMenu(Menu.buildFromTemplate(template(options)));
  return toDisposable(() => Menu.setApplicationMenu(null));
}
