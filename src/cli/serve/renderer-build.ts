// Makes sure `lakehouse serve` has a built renderer: out/renderer must exist and be newer than
// the renderer's sources (and src/shared, which it imports). Otherwise it is built with Vite's
// API from renderer.vite.config.ts into a temporary folder and swapped in, under a lock folder,
// so concurrent serves (parallel test files) build once and never see half-written files.

import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const RENDERER_OUT_DIR = path.join(repoRoot, 'out', 'renderer');
const SOURCES = ['src/renderer', 'src/shared', 'renderer.vite.config.ts', 'svelte.config.js'];
const LOCK_DIR = path.join(repoRoot, 'out', '.renderer-build.lock');
/** A lock older than this is left over from a killed build. */
const STALE_LOCK_MS = 5 * 60_000;

async function newestMtime(target: string): Promise<number> {
  const info = await stat(target).catch(() => null);
  if (info === null) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(target, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const s = await stat(path.join(entry.parentPath, entry.name)).catch(() => null);
    if (s !== null) newest = Math.max(newest, s.mtimeMs);
  }
  return newest;
}

/** Why the renderer needs a build, or null when out/renderer is current. */
export async function rendererStaleReason(outDir: string = RENDERER_OUT_DIR): Promise<string | null> {
  const index = await stat(path.join(outDir, 'index.html')).catch(() => null);
  if (index === null) return `${path.relative(process.cwd(), outDir) || outDir} has no built renderer`;
  const sources = await Promise.all(SOURCES.map((s) => newestMtime(path.join(repoRoot, s))));
  return Math.max(...sources) > index.mtimeMs ? 'the renderer sources changed since the last build' : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock whose builder died (killed mid-build) or that is older than any build takes. */
async function isStaleLock(): Promise<boolean> {
  const info = await stat(LOCK_DIR).catch(() => null);
  if (info === null) return false;
  if (Date.now() - info.mtimeMs > STALE_LOCK_MS) return true;
  const owner = Number(await readFile(path.join(LOCK_DIR, 'pid'), 'utf8').catch(() => 'NaN'));
  // No pid: its owner is between mkdir and writing it — or died there, if that was a while ago.
  if (!Number.isInteger(owner) || owner <= 0) return Date.now() - info.mtimeMs > 10_000;
  return !isAlive(owner);
}

async function acquireLock(): Promise<() => Promise<void>> {
  await mkdir(path.dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      await writeFile(path.join(LOCK_DIR, 'pid'), String(process.pid));
      return () => rm(LOCK_DIR, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStaleLock()) {
        await rm(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export interface RendererBuild {
  dir: string;
  /** Set when a build ran: why, and how long it took. */
  built: { reason: string; elapsedMs: number } | null;
}

/**
 * Returns the built renderer's folder, building it first when needed. `onBuild` is told before a
 * build starts (the CLI says so on stderr, since it can take a while).
 */
export async function ensureRendererBuilt(onBuild?: (reason: string) => void): Promise<RendererBuild> {
  if ((await rendererStaleReason()) === null) return { dir: RENDERER_OUT_DIR, built: null };
  const release = await acquireLock();
  try {
    // Another process may have built it while this one waited for the lock.
    const reason = await rendererStaleReason();
    if (reason === null) return { dir: RENDERER_OUT_DIR, built: null };
    onBuild?.(reason);
    const started = performance.now();
    // Holding the lock, no other build is running: leftovers of killed builds can go.
    for (const entry of await readdir(path.join(repoRoot, 'out'))) {
      if (/^\.renderer-(build|old)-\d+$/.test(entry)) {
        await rm(path.join(repoRoot, 'out', entry), { recursive: true, force: true });
      }
    }
    const staging = path.join(repoRoot, 'out', `.renderer-build-${process.pid}`);
    const { build } = await import('vite');
    const { rendererViteConfig } = await import('../../../renderer.vite.config');
    await build({ ...rendererViteConfig(staging), configFile: false, logLevel: 'warn', mode: 'production' });
    const old = path.join(repoRoot, 'out', `.renderer-old-${process.pid}`);
    if (existsSync(RENDERER_OUT_DIR)) await rename(RENDERER_OUT_DIR, old);
    await rename(staging, RENDERER_OUT_DIR);
    await rm(old, { recursive: true, force: true });
    return { dir: RENDERER_OUT_DIR, built: { reason, elapsedMs: performance.now() - started } };
  } finally {
    await release();
  }
}
