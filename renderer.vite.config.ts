// The renderer's Vite config, in one place for both builds that make it: electron-vite (the
// desktop app, via electron.vite.config.ts) and `lakehouse serve` (browser mode), which builds
// the renderer with Vite's API when out/renderer is missing or stale. Relative `base`, so the
// same files load from file:// in Electron and from http://127.0.0.1:<port>/ in a browser.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { UserConfig } from 'vite';

export const repoRoot = import.meta.dirname;
export const rendererRoot = resolve(repoRoot, 'src/renderer');
export const rendererOutDir = resolve(repoRoot, 'out/renderer');

/** The renderer's config; `outDir` overrides where the files go (the serve build writes beside, then swaps). */
export function rendererViteConfig(outDir: string = rendererOutDir): UserConfig {
  return {
    root: rendererRoot,
    base: './',
    // The renderer root is src/renderer, so point the plugin at the repo-level svelte.config.js.
    plugins: [svelte({ configFile: resolve(repoRoot, 'svelte.config.js') })],
    build: {
      outDir,
      emptyOutDir: true,
      reportCompressedSize: false,
      // electron-vite leaves its bundles unminified by default; the renderer ships minified either way.
      minify: true,
      // Monaco makes the main chunk ~4 MB; it loads from disk or loopback, never over a network.
      chunkSizeWarningLimit: 8192,
      rolldownOptions: { input: { index: resolve(rendererRoot, 'index.html') } },
    },
  };
}
