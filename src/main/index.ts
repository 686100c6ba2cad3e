// Electron main process: the composition root. It creates every long-lived resource (security
// guards, the Workbench service with its engines, the IPC door, menu, window), registers each
// in one DisposableStore, and disposes the store when the app quits — after the service has
// closed its lake, so no run is left half-committed. Only one instance runs per user profile;
// a second launch focuses the first. Security guards are installed before any window exists.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron';
import { createWorkbenchService } from '../pipeline';
import { isSamePage } from '../shared/web-policy';
import { forwardServiceEvents, registerServiceIpc } from './ipc';
import { LakeController } from './lakes';
import { DisposableStore, toDisposable } from '../shared/disposable';
import { installApplicationMenu } from './menu';
import type { ApplicationMenu } from './menu';
import { RecentLakes } from './recent';
import { safeStorageSecrets } from './secrets';
import { denyPermissions, hardenWebContents, installContentSecurityPolicy } from './security';
import { createMainWindow } from './window';
import type { MainWindow, RendererSource } from './window';

const productName = 'Lakehouse Workbench';
const log = (message: string): void => console.info(`[lakehouse] ${message}`);

/** Where `lakehouse init --sample` finds its template: packaged apps carry it as an extra resource. */
function sampleTemplateDir(): string {
  return app.isPackaged
    ? join(process.resourcesPath, 'sample')
    : join(app.getAppPath(), 'resources', 'sample');
}

function main(): void {
  // Before the lock and `ready`: the name decides the user-data folder the lock lives in.
  app.setName(productName);
  // A separate profile (tests, a second workspace): its own recent list, secrets and lock.
  const userDataOverride = process.env['LAKEHOUSE_USER_DATA'];
  if (userDataOverride !== undefined && userDataOverride !== '') app.setPath('userData', userDataOverride);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  process.env['LAKEHOUSE_SAMPLE_DIR'] ??= sampleTemplateDir();

  const root = new DisposableStore();
  // A packaged app never takes its page from the environment: that would let anyone who can
  // set an env var load arbitrary code with the preload's bridge.
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const isDev = devServerUrl !== undefined;
  const renderer: RendererSource = isDev
    ? { url: devServerUrl }
    : { file: join(import.meta.dirname, '../renderer/index.html') };
  const rendererUrl = 'url' in renderer ? renderer.url : pathToFileURL(renderer.file).href;
  const userData = app.getPath('userData');
  let mainWindow: MainWindow | undefined;

  const service = createWorkbenchService({
    secrets: safeStorageSecrets({ safeStorage, userDataDir: userData, log }),
  });
  const recent = new RecentLakes(userData);
  let menu: ApplicationMenu | undefined;
  const showError = (title: string, message: string): void => {
    const parent = mainWindow?.window;
    if (parent !== undefined && !parent.isDestroyed()) {
      void dialog.showMessageBox(parent, { type: 'error', title, message: title, detail: message });
    } else {
      dialog.showErrorBox(title, message);
    }
  };
  const lakes = new LakeController({
    service: () => service,
    recent,
    onRecentChanged: (list) => menu?.setRecent(list),
    showError,
    log,
    sampleLakeDir: join(userData, 'sample-lake'),
  });

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
  root.add(
    registerServiceIpc({
      ipc: ipcMain,
      service: () => service,
      // Only our window's top frame, showing our own page (navigation is blocked anyway).
      isTrustedSender: (event) => {
        const window = mainWindow?.window;
        if (window === undefined || window.isDestroyed() || event.sender !== window.webContents) return false;
        const frame = event.senderFrame as Electron.WebFrameMain | null;
        const top = window.webContents.mainFrame;
        return (
          frame !== null &&
          frame.processId === top.processId &&
          frame.routingId === top.routingId &&
          isSamePage(rendererUrl, frame.url)
        );
      },
      onRefused: (method, reason) => console.warn(`[lakehouse:ipc] refused ${method}: ${reason}`),
    }),
  );
  root.add(
    forwardServiceEvents(service, (channel, message) => {
      const window = mainWindow?.window;
      if (window !== undefined && !window.isDestroyed()) window.webContents.send(channel, message);
    }),
  );

  // A lake opened from the page (its start page, or lake.createSample) joins Open Recent too.
  root.add(
    service.on('onDidChangeLake', (change) => {
      if (change.reason !== 'opened') return;
      void service
        .call('lake.current', {})
        .then((info) => {
          if (info !== null) menu?.setRecent(recent.add(info.path));
        })
        .catch(() => undefined);
    }),
  );

  const onSecondInstance = (): void => mainWindow?.reveal();
  app.on('second-instance', onSecondInstance);
  root.add(
    toDisposable(() => {
      app.removeListener('second-instance', onSecondInstance);
    }),
  );

  // macOS keeps apps alive with no window and reopens one from the dock.
  const onActivate = (): void => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openMainWindow();
  };
  app.on('activate', onActivate);
  root.add(
    toDisposable(() => {
      app.removeListener('activate', onActivate);
    }),
  );

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // The service closes asynchronously (engines, watcher, background runs): hold the quit until
  // it has, then quit for real.
  let serviceClosed = false;
  let closing = false;
  app.on('before-quit', (event) => {
    if (serviceClosed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    Promise.resolve(service.dispose())
      .catch((error: unknown) => console.error('[lakehouse] the service failed to close:', error))
      .finally(() => {
        serviceClosed = true;
        app.quit();
      });
  });
  app.on('will-quit', () => {
    // The listeners and handlers in the root release synchronously; a failed disposer is logged,
    // never thrown, because Electron would show an error dialog while quitting.
    root
      .dispose()
      .catch((error: unknown) => console.error('[lakehouse] some resources failed to close:', error));
  });

  const chooseFolder = async (title: string, buttonLabel: string): Promise<string | undefined> => {
    const parent = mainWindow?.window;
    const options: Electron.OpenDialogOptions = {
      title,
      buttonLabel,
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    };
    const result =
      parent !== undefined && !parent.isDestroyed()
        ? await dialog.showOpenDialog(parent, options)
        : await dialog.showOpenDialog(options);
    return result.canceled ? undefined : result.filePaths[0];
  };

  app
    .whenReady()
    .then(() => {
      root.add(installContentSecurityPolicy(session.defaultSession));
      root.add(denyPermissions(session.defaultSession));
      menu = root.add(
        installApplicationMenu(
          {
            appName: productName,
            isDev,
            isMac: process.platform === 'darwin',
            onOpenLake: () => {
              void chooseFolder('Open Lake', 'Open').then((dir) => (dir ? lakes.open(dir) : null));
            },
            onOpenRecent: (lake) => void lakes.open(lake),
            onClearRecent: () => menu?.setRecent(recent.clear()),
            onNewSampleLake: () => {
              void chooseFolder('New Sample Lake: choose an empty folder', 'Create Sample Lake').then(
                (dir) => (dir ? lakes.createSample(dir) : null),
              );
            },
          },
          recent.list(),
        ),
      );
      root.add(toDisposable(() => mainWindow?.dispose()));
      openMainWindow();
      // The window shows the lake once it is open (the service announces it with onDidChangeLake).
      void lakes.openAtStart(process.env['LAKEHOUSE_LAKE']);
    })
    .catch((error: unknown) => {
      console.error('[lakehouse] startup failed:', error);
      app.exit(1);
    });
}

main();
