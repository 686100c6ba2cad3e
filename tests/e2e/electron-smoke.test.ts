// Electron smoke test: the packaged-to-be app (out/, built here if needed) launched through
// playwright-core's Electron support on a sample lake: the window opens on that lake, the page
// has no Node, and a query runs both through the bridge and from the editor. Skipped, with the
// reason printed, where the Electron binary is not installed (no route to its download).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import type { ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';
import { REPO_ROOT, closeAll, sampleLake, screenshot } from './harness';

const binary = findElectronBinary(path.join(REPO_ROOT, 'node_modules', 'electron'));
const skipReason = binary.found ? null : `Electron smoke test skipped: ${binary.reason}`;
if (skipReason !== null) console.warn(`[e2e] ${skipReason}`);

describe.skipIf(skipReason !== null)('Electron app', () => {
  let app: ElectronApplication;
  let lake: string;
  let userData: string;

  beforeAll(async () => {
    const build = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
    lake = await sampleLake({ days: 2, eventsPerDay: 500 });
    userData = mkdtempSync(path.join(tmpdir(), 'lakehouse-electron-profile-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    delete env['ELECTRON_RUN_AS_NODE'];
    app = await electron.launch({
      executablePath: binary.found ? binary.path : '',
      // Without a display (CI), Chromium's headless Ozone backend still renders the window.
      args: [REPO_ROOT, ...(process.env['DISPLAY'] ? [] : ['--ozone-platform=headless'])],
      env: { ...env, LAKEHOUSE_LAKE: lake, LAKEHOUSE_USER_DATA: userData },
      timeout: 60_000,
    });
  });

  afterAll(async () => {
    await app?.close();
    await closeAll();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('opens one secure window on the lake and runs a query', async () => {
    const window = await app.firstWindow();
    await window.waitForLoadState('load');
    expect(await window.title()).toMatch(/Lakehouse Workbench$/);
    // contextIsolation + sandbox: the page has no Node, only the bridge.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    );
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
      'undefined',
    );

    await expect
      .poll(
        () =>
          window.evaluate(async () => {
            const bridge = (
              globalThis as unknown as { lakehouse: { call(m: string, a: unknown): Promise<unknown> } }
            ).lakehouse;
            return bridge.call('lake.current', {});
          }),
        { timeout: 60_000 },
      )
      .toMatchObject({ ok: true, value: { path: lake } });
    await window.getByText('dim_club').first().waitFor({ state: 'visible', timeout: 60_000 });

    const outcome = await window.evaluate(async () => {
      const bridge = (
        globalThis as unknown as { lakehouse: { call(m: string, a: unknown): Promise<unknown> } }
      ).lakehouse;
      return bridge.call('query.run', { sql: 'select count(*) as n from core.dim_club', queryId: 'smoke' });
    });
    expect(outcome).toMatchObject({ ok: true, value: { totalRows: 1 } });

    // A bad payload is refused in main with a clear error.
    const refused = await window.evaluate(async () => {
      const bridge = (
        globalThis as unknown as { lakehouse: { call(m: string, a: unknown): Promise<unknown> } }
      ).lakehouse;
      return bridge.call('query.run', { sql: 42 });
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'USAGE' } });

    const editor = window.locator('.monaco-editor').first();
    await editor.click();
    await window.keyboard.press('ControlOrMeta+A');
    await window.keyboard.type('select 6 * 7 as answer');
    await window.keyboard.press('Escape');
    await window.keyboard.press('ControlOrMeta+Enter');
    await window.getByText('42', { exact: true }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(window, 'electron-smoke');
  });
});
