// The preload: the only code that runs with Electron's bridge APIs beside the page. It exposes a
// frozen `window.lakehouse` (see src/shared/bridge.ts) whose functions reach only the service's
// own IPC channels, taken from the contract's method list — never ipcRenderer itself.
// It is sandboxed, so it is bundled as CJS.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { AppVersionArgPrefix, BridgeKey, BridgePlatform, LakehouseBridge } from '../shared/bridge';
import { EVENT_CHANNEL, channelOf, isServiceEvent, isServiceMethod } from '../shared/contract';
import type { EventMessage } from '../shared/contract';
import type { Outcome } from '../shared/errors';

const bridgeKey: BridgeKey = 'lakehouse';
const appVersionArgPrefix: AppVersionArgPrefix = '--lakehouse-app-version=';

function appVersionFromArgs(argv: readonly string[]): string {
  const arg = argv.find((a) => a.startsWith(appVersionArgPrefix));
  return arg === undefined ? 'unknown' : arg.slice(appVersionArgPrefix.length);
}

function bridgePlatform(platform: string): BridgePlatform {
  return platform === 'darwin' || platform === 'win32' || platform === 'linux' ? platform : 'other';
}

const bridge: LakehouseBridge = Object.freeze({
  appVersion: appVersionFromArgs(process.argv),
  platform: bridgePlatform(process.platform),
  async call(method, args): Promise<Outcome<unknown>> {
    // The allow-list: only the contract's methods have channels.
    if (!isServiceMethod(method)) {
      return {
        ok: false,
        error: { name: 'UsageError', code: 'USAGE', message: `Unknown service method ${String(method)}.` },
      };
    }
    return (await ipcRenderer.invoke(channelOf(method), args)) as Outcome<unknown>;
  },
  onEvent(listener: (message: EventMessage) => void): () => void {
    const handler = (_e: IpcRendererEvent, message: unknown): void => {
      // Main sends only EventMessages here (ipc.ts forwardServiceEvents); the event name is checked
      // against the contract, the payload is the service's own.
      if (
        typeof message === 'object' &&
        message !== null &&
        'event' in message &&
        isServiceEvent(message.event)
      )
        listener(message as EventMessage);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
} satisfies LakehouseBridge);

contextBridge.exposeInMainWorld(bridgeKey, bridge);
