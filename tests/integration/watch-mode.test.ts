// `lakehouse watch --auto-run` as a real process: it brings the lake up to date
// at start, sees a new arrival day land (files renamed in by the generator),
// rebuilds exactly what it made stale within seconds, and stops on SIGINT.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineEngine, generateSampleData, initLake, openLake, planRun } from '../../src/pipeline';

const BIN = path.resolve(__dirname, '../../bin/lakehouse.mjs');
let work: string;
let child: ChildProcessWithoutNullStreams;
let output = '';

function waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      const m = output.match(pattern);
      if (m) return resolve(m);
      if (Date.now() - started > timeoutMs)
        return reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output}`));
      setTimeout(check, 50);
    };
    check();
  });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-watch-'));
  await initLake({ dir: path.join(work, 'lake'), sample: true, days: 3, eventsPerDay: 1000, seed: 5 });
  child = spawn(process.execPath, [BIN, 'watch', path.join(work, 'lake'), '--auto-run'], { cwd: work });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});

describe('watch mode', { timeout: 120_000 }, () => {
  it('catches up at start, then rebuilds what a new arrival day makes stale', async () => {
    await waitFor(/run \(start\): (\d+) of \1 tasks done, 0 failed/, 90_000);
    const landed = Date.now();
    await generateSampleData({
      lakeDir: path.join(work, 'lake'),
      from: '2024-05-04',
      to: '2024-05-04',
      eventsPerDay: 1000,
      seed: 5,
    });
    const m = await waitFor(/run \(new raw data\): (\d+) of (\d+) tasks done, 0 failed/, 60_000);
    const seconds = (Date.now() - landed) / 1000;
    console.log(`new day landed → tables up to date in ${seconds.toFixed(1)} s`);
    expect(output).toMatch(/added activity dt=2024-05-04 raw\/activity\/dt=2024-05-04\/events-0001\.jsonl/);
    expect(Number(m[1])).toBe(Number(m[2]));
    expect(seconds).toBeLessThan(60);
    const lake = openLake(path.join(work, 'lake'));
    const engine = createPipelineEngine(lake);
    try {
      const p = await planRun(lake, engine, { kind: 'run' });
      expect(p.plan.tasks).toEqual([]);
      expect(p.plan.summary['stg_activity']?.done).toBe(4);
    } finally {
      await engine.dispose();
    }
  });

  it('stops cleanly on SIGINT', async () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toMatch(/stopped watching/);
  });
});
