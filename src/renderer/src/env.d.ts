// Ambient types for the renderer: Vite's client types (asset and CSS imports), Svelte's
// `*.svelte` modules, and the preload's `window.lakehouse`, typed by src/shared/bridge.ts.
/// <reference types="vite/client" />
/// <reference types="svelte" />

import type { LakehouseBridge } from '../../shared/bridge';

declare global {
  interface Window {
    readonly lakehouse: LakehouseBridge;
  }
}
