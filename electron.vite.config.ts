// Build config for the three Electron bundles: main (ESM, Node deps left external so the native
// DuckDB addon loads from node_modules), preload (CommonJS with everything bundled, because a
// sandboxed preload can neither be ESM nor require packages) and the Svelte renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Native addons cannot be bundled: they must be required from node_modules at run time.
const nativeModules = [/^@duckdb\//];

export default defineConfig({
  main: {
    build: {
      // Every package in "dependencies" stays external (electron-vite's default); the explicit
      // rule keeps DuckDB's platform bindings external even if they are imported directly.
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/main/index.ts') },
        external: nativeModules,
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    build: {
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') },
      },
    },
    // The renderer root is src/renderer, so point the plugin at the repo-level svelte.config.js.
    plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
  },
});
