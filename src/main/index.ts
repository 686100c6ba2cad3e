// Electron main process: the composition root. It creates every long-lived resource (security
// guards, the Workbench service with its engines, the IPC door, menu, window), registers each
// in one DisposableStore, and disposes the store when the app quits — after the service has
// closed its lake, so no run is left half-committed. Only one instance runs per user profile;
// a second launch focuses the first. Security guards are installed before any window exists.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron';
import { createWorkbenchService } from '../pipeline';
import type { WorkbenchService } from '../shared/contract';
import { DisposableStore, toDisposable } from '../shared/disposable';
import { isSamePage } from '../shared/web-policy';
import { forwardServiceEvents, registerServiceIpc } from './ipc';
import type { InvokeEventLike } from './ipc';
import { LakeController } from './lakes';
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

/**
 * Before the lock and `ready`: names the app and picks the profile, then takes the
 * single-instance lock. False when another instance holds it (this one then quits).
 */
function claimInstance(): boolean {
  // The name decides the user-data folder the lock lives in.
  app.setName(productName);
  // A separate profile (tests, a second workspace): its own recent list, secrets and lock.
  const userDataOverride = process.env['LAKEHOUSE_USER_DATA'];
  if (userDataOverride !== undefined && userDataOverride !== '') app.setPath('userData', userDataOverride);
  if (!app.requestSingleInstanceLock()) return false;
  app.enableSandbox();
  process.env['LAKEHOUSE_SAMPLE_DIR'] ??= sampleTemplateDir();
  return true;
}

/** Where the window's page comes from: the dev server in development, the built files otherwise. */
function rendererSource(): { renderer: RendererSource; rendererUrl: string; isDev: boolean } {
  // A packaged app never takes its page from the environment: that would let anyone who can
  // set an env var load arbitrary code with the preload's bridge.
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const renderer: RendererSource =
    devServerUrl !== undefined
      ? { url: devServerUrl }
      : { file: join(import.meta.dirname, '../renderer/index.html') };
  const rendererUrl = 'url' in renderer ? renderer.url : pathToFileURL(renderer.file).href;
  return { renderer, rendererUrl, isDev: devServerUrl !== undefined };
}

/** The app's long-lived parts, built once by main(); the window and menu come and go. */
class Workbench {
  readonly root = new DisposableStore();
  readonly userData = app.getPath('userData');
  readonly service: WorkbenchService = createWorkbenchService({
    secrets: safeStorageSecrets({ safeStorage, userDataDir: this.userData, log }),
  });
  readonly recent = new RecentLakes(this.userData);
  readonly lakes = new LakeController({
    service: () => this.service,
    recent: this.recent,
    onRecentChanged: (list) => this.menu?.setRecent(list),
    showError: (title, message) => this.showError(title, message),
    log,
    sampleLakeDir: join(this.userData, 'sample-lake'),
  });
  mainWindow: MainWindow | undefined;
  menu: ApplicationMenu | undefined;

  constructor(
    readonly renderer: RendererSource,
    readonly rendererUrl: string,
    readonly isDev: boolean,
  ) {}

  /** The window, when there is one that is not destroyed. */
  get window(): BrowserWindow | undefined {
    const window = this.mainWindow?.window;
    return window !== undefined && !window.isDestroyed() ? window : undefined;
  }

  showError(title: string, message: string): void {
    const parent = this.window;
    if (parent !== undefined) {
      void dialog.showMessageBox(parent, { type: 'error', title, message: title, detail: message });
    } else {
      dialog.showErrorBox(title, message);
    }
  }

  openMainWindow(): void {
    this.mainWindow?.dispose();
    const created = createMainWindow({
      title: productName,
      appVersion: app.getVersion(),
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      renderer: this.renderer,
    });
    created.window.on('closed', () => {
      if (this.mainWindow === created) this.mainWindow = undefined;
    });
    this.mainWindow = created;
  }

  /** Only our window's top frame, showing our own page (navigation is blocked anyway). */
  isTrustedSender(event: InvokeEventLike): boolean {
    const window = this.window;
    if (window === undefined || event.sender !== window.webContents) return false;
    const frame = event.senderFrame;
    const top = window.webContents.mainFrame;
    return (
      frame !== null &&
      frame.processId === top.processId &&
      frame.routingId === top.routingId &&
      isSamePage(this.rendererUrl, frame.url)
    );
  }

  async chooseFolder(title: string, buttonLabel: string): Promise<string | undefined> {
    const parent = this.window;
    const options: Electron.OpenDialogOptions = {
      title,
      buttonLabel,
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    };
    const result =
      parent !== undefined
        ? await dialog.showOpenDialog(parent, options)
        : await dialog.showOpenDialog(options);
    return result.canceled ? undefined : result.filePaths[0];
  }
}

/** The IPC door, events to the window, and Open Recent for lakes the page opens. */
function connectService(wb: Workbench): void {
  const { root, service } = wb;
  root.add(hardenWebContents(app));
  root.add(
    registerServiceIpc({
      ipc: ipcMain,
      service: () => service,
      isTrustedSender: (event) => wb.isTrustedSender(event),
      onRefused: (method, reason) => console.warn(`[lakehouse:ipc] refused ${method}: ${reason}`),
    }),
  );
  root.add(
    forwardServiceEvents(service, (channel, message) => wb.window?.webContents.send(channel, message)),
  );
  // A lake opened from the page (its start page, or lake.createSample) joins Open Recent too.
  root.add(
    service.on('onDidChangeLake', (change) => {
      if (change.reason !== 'opened') return;
      void service
        .call('lake.current', {})
        .then((info) => {
          if (info !== null) wb.menu?.setRecent(wb.recent.add(info.path));
        })
        .catch(() => undefined);
    }),
  );
}

/** Registers an app listener and removes it when the root is disposed. */
function onApp(wb: Workbench, event: 'second-instance' | 'activate', listener: () => void): void {
  // Through the EventEmitter view: App's typed overloads do not accept a union of event names.
  const emitter: NodeJS.EventEmitter = app;
  emitter.on(event, listener);
  wb.root.add(
    toDisposable(() => {
      emitter.removeListener(event, listener);
    }),
  );
}

/** A second launch, the dock and closing the last window. */
function watchAppEvents(wb: Workbench): void {
  onApp(wb, 'second-instance', () => wb.mainWindow?.reveal());
  // macOS keeps apps alive with no window and reopens one from the dock.
  onApp(wb, 'activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) wb.openMainWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

/** Quitting closes the service first (its lake, engines, runs), then disposes the root. */
function closeOnQuit(wb: Workbench): void {
  // The service closes asynchronously (engines, watcher, background runs): hold the quit until
  // it has, then quit for real.
  let serviceClosed = false;
  let closing = false;
  app.on('before-quit', (event) => {
    if (serviceClosed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    Promise.resolve(wb.service.dispose())
      .catch((error: unknown) => console.error('[lakehouse] the service failed to close:', error))
      .finally(() => {
        serviceClosed = true;
        app.quit();
      });
  });
  app.on('will-quit', () => {
    // The listeners and handlers in the root release synchronously; a failed disposer is logged,
    // never thrown, because Electron would show an error dialog while quitting.
    wb.root
      .dispose()
      .catch((error: unknown) => console.error('[lakehouse] some resources failed to close:', error));
  });
}

/** Once Electron is ready: session guards, the menu, the window, and the lake to open. */
function startWhenReady(wb: Workbench): void {
  const { root, lakes, recent } = wb;
  root.add(installContentSecurityPolicy(session.defaultSession));
  root.add(denyPermissions(session.defaultSession));
  wb.menu = root.add(
    installApplicationMenu(
      {
        appName: productName,
        isDev: wb.isDev,
        isMac: process.platform === 'darwin',
        onOpenLake: () => {
          void wb.chooseFolder('Open Lake', 'Open').then((dir) => (dir ? lakes.open(dir) : null));
        },
        onOpenRecent: (lake) => void lakes.open(lake),
        onClearRecent: () => wb.menu?.setRecent(recent.clear()),
        onNewSampleLake: () => {
          void wb
            .chooseFolder('New Sample Lake: choose an empty folder', 'Create Sample Lake')
            .then((dir) => (dir ? lakes.createSample(dir) : null));
        },
      },
      recent.list(),
    ),
  );
  root.add(toDisposable(() => wb.mainWindow?.dispose()));
  wb.openMainWindow();
  // The window shows the lake once it is open (the service announces it with onDidChangeLake).
  void lakes.openAtStart(process.env['LAKEHOUSE_LAKE']);
}

function main(): void {
  if (!claimInstance()) {
    app.quit();
    return;
  }
  const { renderer, rendererUrl, isDev } = rendererSource();
  const wb = new Workbench(renderer, rendererUrl, isDev);
  connectService(wb);
  watchAppEvents(wb);
  closeOnQuit(wb);
  app
    .whenReady()
    .then(() => startWhenReady(wb))
    .catch((error: unknown) => {
      console.error('[lakehouse] startup failed:', error);
      app.exit(1);
    });
}

main();
