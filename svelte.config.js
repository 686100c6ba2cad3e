// Svelte compiler options shared by the Vite plugin, svelte-check and the ESLint parser.
// vitePreprocess lets components use <script lang="ts">; runes mode is forced for our own
// components (not libraries in node_modules) so legacy `$:`/`export let` syntax cannot creep in.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true),
  },
};
