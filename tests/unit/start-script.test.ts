// Tests the Electron-binary lookup behind `npm start` (scripts/electron-binary.mjs) against
// fake `electron` package folders, so it runs without the real binary or a network.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

let dir: string;

function fakeElectronPackage(files: Record<string, string>): string {
  const pkg = join(dir, 'electron');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), '{"name":"electron","version":"45.5.0"}');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(pkg, name), content);
  return pkg;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-electron-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('findElectronBinary', () => {
  it('reports a missing package', () => {
    const result = findElectronBinary(join(dir, 'nope'), {});
    expect(result).toMatchObject({ found: false, reason: expect.stringContaining('npm install') });
  });

  it('reports a binary that was never downloaded (no path.txt)', () => {
    const result = findElectronBinary(fakeElectronPackage({}), {});
    expect(result).toMatchObject({ found: false, reason: expect.stringContaining('never downloaded') });
  });

  it('reports a path.txt that names a file missing from dist/', () => {
    const result = findElectronBinary(fakeElectronPackage({ 'path.txt': 'electron' }), {});
    expect(result).toMatchObject({ found: false, reason: expect.stringContaining('does not exist') });
  });

  it('finds the executable that path.txt names under dist/', () => {
    const pkg = fakeElectronPackage({ 'path.txt': 'electron', 'dist/electron': '' });
    expect(findElectronBinary(pkg, {})).toEqual({ found: true, path: join(pkg, 'dist', 'electron') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the electron package does', () => {
    const pkg = fakeElectronPackage({ 'path.txt': 'electron' });
    const override = join(dir, 'custom');
    mkdirSync(override);
    writeFileSync(join(override, 'electron'), '');
    const env = { ELECTRON_OVERRIDE_DIST_PATH: override };
    expect(findElectronBinary(pkg, env)).toEqual({ found: true, path: join(override, 'electron') });
  });
});
