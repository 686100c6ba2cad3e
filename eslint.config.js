// Lint rules, including the layer rules of STYLE.md: each folder may import
// only the layers below it, so a wrong import fails `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url'];

/** @param {string[]} groups @param {string} message */
const restrict = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

export default tseslint.config(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'coverage/', 'test-results/', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  {
    files: ['src/shared/**'],
    rules: restrict(
      [
        ...nodeBuiltins,
        'electron',
        '**/pipeline/**',
        '**/main/**',
        '**/cli/**',
        '**/renderer/**',
        '**/preload/**',
      ],
      'src/shared holds plain types: no Node, Electron or other layers.',
    ),
  },
  {
    files: ['src/pipeline/**'],
    rules: restrict(
      ['electron', '**/main/**', '**/cli/**', '**/renderer/**', '**/preload/**'],
      'src/pipeline is plain Node: it imports only src/shared.',
    ),
  },
  {
    files: ['src/cli/**', 'src/main/**'],
    rules: restrict(
      ['**/renderer/**', '**/preload/**', '**/pipeline/*/**'],
      'Import the pipeline through src/pipeline/index.ts, never its internals or the renderer.',
    ),
  },
  {
    files: ['src/preload/**'],
    rules: restrict(
      [...nodeBuiltins, '**/pipeline/**', '**/main/**', '**/cli/**', '**/renderer/**'],
      'The preload sees only src/shared and electron.',
    ),
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [
        ...nodeBuiltins,
        'electron',
        '**/pipeline/**',
        // The renderer's own Pipeline feature is not src/pipeline.
        '!./features/pipeline/**',
        '!../pipeline/**',
        '**/main/**',
        '**/cli/**',
        '**/preload/**',
      ],
      'The renderer sees only src/shared types and its API module (src/renderer/src/lib/api).',
    ),
  },
);
