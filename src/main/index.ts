// Electron main process: the composition root. It creates every long-lived resource (security
// guards, menu, window), registers each in one DisposableStore, and disposes the store when
// the app quits. Only one instance runs per user profile; a second launch focuses the first.
// Security guards are installed before any window exists.
import { join } from 'node:path';
import { app, BrowserWindow, session } from 'electron';
import { DisposableStore, toDisposable } from './lifecycle';
import { installApplicationMenu } from './menu';
import { denyPermissions, hardenWebContents, installContentSecurityPolicy } from './security';
import { createMainWindow } from './window';
import type { MainWindow, RendererSource } from './window';

const productName = 'Lakehouse Workbench';

function main(): void {
  // Before the lock and `ready`: the name decides the user-data folder the lock lives in.
  app.setName(productName);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();

  const root = new DisposableStore();
  // A packaged app never takes its page from the environment: that would let anyone who can
  // set an env var load arbitrary code with the preload's bridge.
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const isDev = devServerUrl !== undefined;
  const renderer: RendererSource = isDev
    ? { url: devServerUrl }
    : { file: join(import.meta.dirname, '../renderer/index.html') };
  const initialLake = process.env['LAKEHOUSE_LAKE'];
  let mainWindow: MainWindow | undefined;

  const openMainWindow = (): void => {
    mainWindow?.dispose();
    const created = createMainWindow({
      title: productName,
      appVersion: app.getVersion(),
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      renderer,
    });
    created.window.on('closed', () => {
      if (mainWindow === created) mainWindow = undefined;
    });
    mainWindow = created;
  };

  root.add(hardenWebContents(app));

  const onSecondInstance = (): void => mainWindow?.reveal();
  app.on('second-instance', onSecondInstance);
  root.add(toDisposable(() => app.removeListener('second-instance', onSecondInstance)));

  // macOS keeps apps alive with no window and reopens one from the dock.
  const onActivate = (): void => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openMainWindow();
  };
  app.on('activate', onActivate);
  root.add(toDisposable(() => app.removeListener('activate', onActivate)));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    try {
      root.dispose();
    } catch (error) {
      // Quitting must not stop at a failed disposer: Electron would show an error dialog.
      console.error('[lakehouse] some resources failed to close:', error);
    }
  });

  app
    .whenReady()
    .then(() => {
      root.add(installContentSecurityPolicy(session.defaultSession));
      root.add(denyPermissions(session.defaultSession));
      root.add(
        installApplicationMenu({
          appName: productName,
          isDev,
          isMac: process.platform === 'darwin',
          onOpenLake: () => console.info('[lakehouse] Open Lake… is not wired to the service yet'),
        }),
      );
      root.add(toDisposable(() => mainWindow?.dispose()));
      if (initialLake !== undefined) console.info(`[lakehouse] lake from LAKEHOUSE_LAKE: ${initialLake}`);
      openMainWindow();
    })
    .catch((error: unknown) => {
      console.error('[lakehouse] startup failed:', error);
      app.exit(1);
    });
}

main();
