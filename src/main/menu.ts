// The application menu: Open Lake…, Open Recent, New Sample Lake…, Reload; developer tools only
// in development builds. Installing replaces the default Electron menu (which exposes devtools
// and a Help menu pointing at electronjs.org). The menu is rebuilt when the recent list changes.
import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { toDisposable } from '../shared/disposable';
import type { Disposable } from '../shared/disposable';

export interface MenuOptions {
  readonly appName: string;
  readonly isDev: boolean;
  readonly isMac: boolean;
  readonly onOpenLake: () => void;
  readonly onOpenRecent: (lake: string) => void;
  readonly onClearRecent: () => void;
  readonly onNewSampleLake: () => void;
}

export interface ApplicationMenu extends Disposable {
  /** Rebuilds the menu with this recent list (newest first). */
  setRecent(lakes: readonly string[]): void;
}

function template(options: MenuOptions, recent: readonly string[]): MenuItemConstructorOptions[] {
  const { appName, isDev, isMac } = options;
  const menus: MenuItemConstructorOptions[] = [];
  if (isMac) {
    // macOS puts About/Hide/Quit under a menu named after the app.
    menus.push({ label: appName, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'quit' }] });
  }
  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No recent lakes', enabled: false }]
      : [
          ...recent.map((lake) => ({ label: lake, click: () => options.onOpenRecent(lake) })),
          { type: 'separator' as const },
          { label: 'Clear Recent', click: options.onClearRecent },
        ];
  menus.push({
    label: 'File',
    submenu: [
      { label: 'Open Lake…', accelerator: 'CmdOrCtrl+O', click: options.onOpenLake },
      { label: 'Open Recent', submenu: recentItems },
      { label: 'New Sample Lake…', click: options.onNewSampleLake },
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

export function installApplicationMenu(
  options: MenuOptions,
  recent: readonly string[] = [],
): ApplicationMenu {
  const install = (lakes: readonly string[]): void =>
    Menu.setApplicationMenu(Menu.buildFromTemplate(template(options, lakes)));
  install(recent);
  const disposable = toDisposable(() => Menu.setApplicationMenu(null));
  return { setRecent: install, dispose: () => disposable.dispose() };
}
