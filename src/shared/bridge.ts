// The object the preload exposes to the renderer as `window.lakehouse`. Types only: the preload
// implements it and the renderer consumes it, so neither can drift without failing to compile.
// Values must be structured-cloneable: contextBridge copies them into the page's world.

/** The operating systems the app ships for; anything else is reported as 'other'. */
export type BridgePlatform = 'darwin' | 'win32' | 'linux' | 'other';

/** Placeholder surface until the service contract (src/shared/contract.ts) is bridged. */
export interface LakehouseBridge {
  /** The app's version from package.json, e.g. '0.1.0'. */
  readonly appVersion: string;
  readonly platform: BridgePlatform;
}

/** The global name under which the bridge is exposed. */
export type BridgeKey = 'lakehouse';

/**
 * How main hands the app version to the sandboxed preload, which cannot reach `app`: a
 * `webPreferences.additionalArguments` entry `<prefix><version>`. Both sides type their constant
 * with this literal, so a rename on one side fails to compile on the other.
 */
export type AppVersionArgPrefix = '--lakehouse-app-version=';
