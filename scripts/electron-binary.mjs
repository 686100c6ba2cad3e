// Finds the Electron executable that the `electron` npm package would launch, without loading
// that package (its index.js starts a download as a side effect). Mirrors its lookup: path.txt
// names the executable relative to dist/, or to ELECTRON_OVERRIDE_DIST_PATH when that is set.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} electronDir the installed package folder, e.g. <repo>/node_modules/electron
 * @param {Record<string, string | undefined>} [env] the environment to read overrides from
 * @returns {import('./electron-binary.d.mts').ElectronBinary}
 */
export function findElectronBinary(electronDir, env = process.env) {
  if (!existsSync(join(electronDir, 'package.json'))) {
    return {
      found: false,
      reason: `the electron package is not installed in ${electronDir}; run npm install`,
    };
  }
  const pathFile = join(electronDir, 'path.txt');
  const named = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const path = join(override, named || 'electron');
    return existsSync(path)
      ? { found: true, path }
      : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH names ${override}, but ${path} does not exist` };
  }
  if (!named) {
    return {
      found: false,
      reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)',
    };
  }
  const path = join(electronDir, 'dist', named);
  return existsSync(path)
    ? { found: true, path }
    : { found: false, reason: `node_modules/electron/path.txt names ${named}, but ${path} does not exist` };
}
