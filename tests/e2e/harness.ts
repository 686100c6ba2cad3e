// The end-to-end harness: real sample lakes made by the real CLI, `lakehouse serve` as a real
// subprocess, and Debian's Chromium driven by playwright-core. A test file calls `workbench()`
// (or the pieces below) inside `describeE2E`, which skips with a printed reason where Chromium
// is missing. Everything started here is stopped by `closeAll()` (call it in afterAll).
// See /work/notes/e2e-harness.md for a walk-through.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe } from 'vitest';
import { ensureRendererBuilt } from '../../src/cli/serve/renderer-build';
import { TOKEN_HEADER, TOKEN_PARAM, routeOf } from '../../src/shared/contract';
import type { ArgsOf, ResultOf, ServiceMethod } from '../../src/shared/contract';
import type { Outcome } from '../../src/shared/errors';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = path.join(REPO_ROOT, 'bin', 'lakehouse.mjs');
export const CHROMIUM_PATH = process.env['LAKEHOUSE_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');

/** Why browser tests cannot run here, or null when they can. */
export const chromiumSkipReason: string | null = existsSync(CHROMIUM_PATH)
  ? null
  : `end-to-end tests skipped: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or set LAKEHOUSE_CHROMIUM)`;

/** `describe` that skips, saying why, when Chromium is not installed. */
export function describeE2E(name: string, body: () => void): void {
  if (chromiumSkipReason !== null) console.warn(`[e2e] ${name}: ${chromiumSkipReason}`);
  describe.skipIf(chromiumSkipReason !== null)(name, body);
}

// ------------------------------------------------------------------ cleanup

const cleanups: (() => Promise<void> | void)[] = [];

/** Stops every server and browser and removes every temp folder this file started. */
export async function closeAll(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      console.warn('[e2e] cleanup failed:', err);
    }
  }
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `lakehouse-e2e-${prefix}-`));
  if (process.env['LAKEHOUSE_E2E_KEEP'] === undefined)
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ------------------------------------------------------------------ (a) the renderer

let rendererCopy: Promise<string> | undefined;

/**
 * The built renderer, once per test file: builds out/renderer if it is stale (a lock makes
 * parallel files build it once), then copies it to a private folder so a rebuild started by
 * another file cannot swap files under this file's server.
 */
export function buildRenderer(): Promise<string> {
  rendererCopy ??= (async () => {
    const build = await ensureRendererBuilt((reason) =>
      console.info(`[e2e] building the renderer: ${reason}`),
    );
    if (build.built) console.info(`[e2e] renderer built in ${(build.built.elapsedMs / 1000).toFixed(1)} s`);
    const copy = path.join(tempDir('renderer'), 'renderer');
    cpSync(build.dir, copy, { recursive: true });
    return copy;
  })();
  return rendererCopy;
}

// ------------------------------------------------------------------ (b) sample lakes

export interface SampleLakeOptions {
  /** Days of raw data (default 3). */
  days?: number;
  /** Activity events per day (default 2000). */
  eventsPerDay?: number;
  /** Run the pipeline so the Delta tables exist (default true). */
  run?: boolean;
}

const lakes = new Map<string, Promise<string>>();

/** Runs the `lakehouse` CLI to completion; throws with its output when it fails. */
export function lakehouse(args: string[], options: { cwd?: string } = {}): string {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `lakehouse ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * A sample lake made by `lakehouse init --sample` and `lakehouse run`, in a temp folder.
 * Cached per test file and options: every call with the same options returns the same lake,
 * so a test that changes it (lands raw files, runs a backfill) should ask for `fresh: true`.
 */
export function sampleLake(options: SampleLakeOptions & { fresh?: boolean } = {}): Promise<string> {
  const days = options.days ?? 3;
  const eventsPerDay = options.eventsPerDay ?? 2000;
  const run = options.run ?? true;
  const key = `${days}/${eventsPerDay}/${run}`;
  const cached = options.fresh === true ? undefined : lakes.get(key);
  if (cached) return cached;
  const made = (async () => {
    const dir = path.join(tempDir('lake'), 'lake');
    const args = ['--days', String(days), '--events-per-day', String(eventsPerDay)];
    lakehouse(['init', dir, '--sample', ...args]);
    if (run) lakehouse(['run', dir]);
    return dir;
  })();
  if (options.fresh !== true) lakes.set(key, made);
  return made;
}

// ------------------------------------------------------------------ (c) lakehouse serve

export interface ServeProcess {
  /** The printed URL, token included: open it. */
  url: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  token: string;
  port: number;
  child: ChildProcess;
  /** Everything the server wrote to stderr so far (build notes, warnings). */
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). Returns the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `lakehouse serve <lake> --port 0` as a subprocess and waits for its URL line. */
export async function startServe(
  lake: string,
  options: { rendererDir?: string; timeoutMs?: number } = {},
): Promise<ServeProcess> {
  const rendererDir = options.rendererDir ?? (await buildRenderer());
  const child = spawn(process.execPath, [CLI, 'serve', lake, '--port', '0', '--renderer-dir', rendererDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`lakehouse serve printed no URL within ${options.timeoutMs ?? 60_000} ms:\n${stderr}`),
      );
    }, options.timeoutMs ?? 60_000);
    const check = (): void => {
      const line = stdout.split('\n').find((l) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`lakehouse serve exited (code ${code}) before printing its URL:\n${stderr}`));
    });
  });

  const parsed = new URL(url);
  let stopping: Promise<number | null> | undefined;
  const stop = (): Promise<number | null> => {
    stopping ??= (async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    })();
    return stopping;
  };
  cleanups.push(async () => {
    await stop();
  });
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get(TOKEN_PARAM) ?? '',
    port: Number(parsed.port),
    child,
    stderr: () => stderr,
    stop,
  };
}

/** Calls the service of a running serve from the test process (setup and checks, not UI). */
export async function callService<M extends ServiceMethod>(
  serve: ServeProcess,
  method: M,
  args: ArgsOf<M>,
): Promise<ResultOf<M>> {
  const res = await fetch(new URL(routeOf(method), serve.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: serve.token },
    body: JSON.stringify(args),
  });
  const outcome = (await res.json()) as Outcome<ResultOf<M>>;
  if (!outcome.ok) throw new Error(`${method} failed: ${outcome.error.code}: ${outcome.error.message}`);
  return outcome.value;
}

// ------------------------------------------------------------------ (d) Chromium

let browser: Promise<Browser> | undefined;

/** One headless Chromium per test file, with its own user-data folder. */
export function launchBrowser(): Promise<Browser> {
  browser ??= (async () => {
    if (chromiumSkipReason !== null) throw new Error(chromiumSkipReason);
    // launch() gives Chromium a new temporary profile folder each time (and removes it on
    // close), so runs never share cookies or storage.
    const launched = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    cleanups.push(() => launched.close());
    return launched;
  })();
  return browser;
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far (a test can assert there are none). */
  errors: string[];
}

/** A new browser context and page opened on the serve's URL (token included). */
export async function openPage(
  serve: ServeProcess,
  options: { viewport?: { width: number; height: number }; path?: string } = {},
): Promise<OpenedPage> {
  const context = await (
    await launchBrowser()
  ).newContext({
    viewport: options.viewport ?? { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const url = new URL(options.path ?? '/', serve.url);
  url.searchParams.set(TOKEN_PARAM, serve.token);
  await page.goto(url.toString(), { waitUntil: 'load' });
  return { context, page, errors };
}

// ------------------------------------------------------------------ (e) screenshots

/** Saves a full-page screenshot as test-results/e2e/<flow>.png and returns its path. */
export async function screenshot(page: Page, flow: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${flow.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ------------------------------------------------------------------ all at once

export interface Workbench extends OpenedPage {
  lake: string;
  serve: ServeProcess;
}

/** The usual start of a flow: a sample lake, its serve, and a page showing the workbench. */
export async function workbench(options: SampleLakeOptions & { fresh?: boolean } = {}): Promise<Workbench> {
  const lake = await sampleLake(options);
  const serve = await startServe(lake);
  const opened = await openPage(serve);
  return { lake, serve, ...opened };
}
