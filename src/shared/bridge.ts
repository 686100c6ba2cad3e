// The object the preload exposes to the renderer as `window.lakehouse`. Types only: the preload
// implements it and the renderer consumes it, so neither can drift without failing to compile.
// Values must be structured-cloneable: contextBridge copies them into the page's world.

import type { EventMessage, ServiceMethod } from './contract';
import type { Outcome } from './errors';

/** The operating systems the app ships for; anything else is reported as 'other'. */
export type BridgePlatform = 'darwin' | 'win32' | 'linux' | 'other';

export interface LakehouseBridge {
  /** The app's version from package.json, e.g. '0.1.0'. */
  readonly appVersion: string;
  readonly platform: BridgePlatform;
  /**
   * Calls a service method over IPC (channel `lh:<method>`). Never rejects for a service
   * error: the outcome carries it as data, because Electron keeps only an error's message.
   */
  call(method: ServiceMethod, args: unknown): Promise<Outcome<unknown>>;
  /** Subscribes to every pushed service event; returns the unsubscribe function. */
  onEvent(listener: (message: EventMessage) => void): () => void;
}

/** The global name under which the bridge is exposed. */
export type BridgeKey = 'lakehouse';

/**
 * How main hands the app version to the sandboxed preload, which cannot reach `app`: a
 * `webPreferences.additionalArguments` entry `<prefix><version>`. Both sides type their constant
 * with this literal, so a rename on one side fails to compile on the other.
 */
export type AppVersionArgPrefix = '--lakehouse-app-version=';
