// Build config for the three Electron bundles: main (ESM, Node deps left external so the native
// DuckDB addon loads from node_modules), preload (CommonJS with everything bundled, because a
// sandboxed preload can neither be ESM nor require packages) and the Svelte renderer, whose
// config lives in renderer.vite.config.ts so `lakehouse serve` builds the very same files.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererViteConfig } from './renderer.vite.config';

// Native addons cannot be bundled: they must be required from node_modules at run time.
const nativeModules = [/^@duckdb\//];

export default defineConfig({
  main: {
    build: {
      // Every package in "dependencies" stays external (electron-vite's default); the explicit
      // rule keeps DuckDB's platform bindings external even if they are imported directly.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          // The DuckDB engine runs in a worker thread; the engine client starts it as
          // `new URL('./engine-worker.js', import.meta.url)`, so it must sit beside the bundle.
          'engine-worker': resolve(import.meta.dirname, 'src/pipeline/engine/worker.ts'),
        },
        external: nativeModules,
        // Flat output: shared chunks stay in out/main, so `./engine-worker.js` resolves from
        // whichever chunk ends up holding the engine client.
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
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
  renderer: rendererViteConfig(),
});
