// The main window. It always opens with contextIsolation, the sandbox and no Node in the page,
// and stays hidden until its first paint so the user never sees a blank frame. The caller owns
// the returned handle and disposes it; disposing closes the window if it is still open.
import { BrowserWindow, nativeTheme } from 'electron';
import type { Disposable } from '../shared/disposable';
import type { AppVersionArgPrefix } from '../shared/bridge';

/** Where the renderer comes from: the Vite dev server in development, built files otherwise. */
export type RendererSource = { readonly url: string } | { readonly file: string };

export interface MainWindowOptions {
  readonly title: string;
  readonly appVersion: string;
  readonly preloadPath: string;
  readonly renderer: RendererSource;
}

export interface MainWindow extends Disposable {
  readonly window: BrowserWindow;
  /** Brings the window to the front, restoring it if minimized (e.g. on a second launch). */
  reveal(): void;
}

const appVersionArgPrefix: AppVersionArgPrefix = '--lakehouse-app-version=';

export function createMainWindow(options: MainWindowOptions): MainWindow {
  const window = new BrowserWindow({
    title: options.title,
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    // Matches app.css so the frame shown before first paint does not flash the wrong theme.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1d21' : '#ffffff',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      additionalArguments: [`${appVersionArgPrefix}${options.appVersion}`],
    },
  });

  const reveal = (): void => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  window.once('ready-to-show', reveal);

  const load =
    'url' in options.renderer ? window.loadURL(options.renderer.url) : window.loadFile(options.renderer.file);
  load.catch((error: unknown) => {
    // A hidden window that failed to load would leave the app running with nothing on screen.
    console.error('[lakehouse] the window could not load its page:', error);
    reveal();
  });

  return {
    window,
    reveal,
    dispose() {
      if (!window.isDestroyed()) window.destroy();
    },
  };
}
