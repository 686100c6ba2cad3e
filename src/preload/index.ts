// The preload: the only code that runs with Electron's bridge APIs beside the page. It exposes a
// frozen, data-only `window.lakehouse` (see src/shared/bridge.ts) and never hands the page a
// function that reaches ipcRenderer or Node directly. It is sandboxed, so it is bundled as CJS.
import { contextBridge } from 'electron';
import type { AppVersionArgPrefix, BridgeKey, BridgePlatform, LakehouseBridge } from '../shared/bridge';

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
});

contextBridge.exposeInMainWorld(bridgeKey, bridge);
