// Tests `npm start`: the Electron-binary lookup (scripts/electron-binary.mjs) against fake
// `electron` package folders, and the browser-mode fallback of scripts/start.mjs end to end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

// `npm start` where Electron cannot be had: one line saying so, then `lakehouse serve` on the lake,
// printing its URL; the served service answers for that lake, and SIGTERM stops it cleanly.
describe('npm start without Electron', () => {
  const repoRoot = join(import.meta.dirname, '..', '..');
  let lakeDir: string;

  beforeAll(() => {
    lakeDir = mkdtempSync(join(tmpdir(), 'lakehouse-start-'));
    const lake = join(lakeDir, 'lake');
    const cli = join(repoRoot, 'bin', 'lakehouse.mjs');
    for (const args of [
      ['init', lake, '--sample', '--days', '1', '--events-per-day', '200'],
      ['run', lake],
    ]) {
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`lakehouse ${args[0]} failed: ${r.stderr}`);
    }
  });

  afterAll(() => {
    rmSync(lakeDir, { recursive: true, force: true });
  });

  it('says why in one line and serves the lake in browser mode, printing the URL', async () => {
    const lake = join(lakeDir, 'lake');
    const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
      cwd: repoRoot,
      // An override naming a folder without Electron: "the binary cannot be obtained".
      env: {
        ...process.env,
        LAKEHOUSE_LAKE: lake,
        ELECTRON_OVERRIDE_DIST_PATH: join(lakeDir, 'no-electron'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect
        .poll(() => /^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m.test(stdout), {
          timeout: 90_000,
          interval: 200,
        })
        .toBe(true);
      const lines = stdout.split('\n');
      expect(lines[0]).toMatch(
        /^Electron is not available \(.*no-electron.*\): serving the workbench in your browser/,
      );
      const url = new URL(lines.find((l) => l.startsWith('http://127.0.0.1:')) ?? '');
      const res = await fetch(new URL('/api/lake.current', url.origin), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-lakehouse-token': url.searchParams.get('token') ?? '',
        },
        body: '{}',
      });
      expect(await res.json()).toMatchObject({ ok: true, value: { path: lake } });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      if (child.exitCode === null) await exited;
      if (stderr.includes('error')) console.warn(stderr);
    }
  });
});
