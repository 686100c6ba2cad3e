// `npm start`: builds the app when the build is stale and opens it on the sample lake
// (.lakehouse/sample-lake, created with `lakehouse init --sample` and built with `lakehouse run`
// on first start). If the Electron binary is missing and cannot be downloaded (e.g. no route to
// GitHub), it says so in one line and serves the same UI in the browser (`lakehouse serve`),
// printing its URL. Dependency-free Node ESM; a failing child's exit code becomes this script's
// exit code. LAKEHOUSE_LAKE picks another lake.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const electronDir = join(repoRoot, 'node_modules', 'electron');
const cli = join(repoRoot, 'bin', 'lakehouse.mjs');
const sampleLake = join(repoRoot, '.lakehouse', 'sample-lake');
const lake = process.env['LAKEHOUSE_LAKE'] ? resolve(process.env['LAKEHOUSE_LAKE']) : sampleLake;
const downloadTimeoutS = Number(process.env['LAKEHOUSE_ELECTRON_DOWNLOAD_TIMEOUT'] ?? '') || 60;

/** Paths as the user would type them: relative to where they are, quoted if they hold spaces. */
function shown(path) {
  const rel = relative(process.cwd(), path);
  const short = rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
  return /[\s"'$`\\]/.test(short) ? `'${short.replaceAll("'", "'\\''")}'` : short;
}

/** Runs `node <args>` in the foreground; returns its exit status (1 if it could not run). */
function runNode(args, options = {}) {
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit', ...options });
  if (result.error) console.error(`Could not run node ${args.join(' ')}: ${result.error.message}`);
  return result.status ?? 1;
}

/** Runs Electron's own installer, giving up after the timeout; returns why it failed, if it did. */
function downloadElectron() {
  console.log(
    `Electron's binary is not installed yet; fetching it on first use (up to ${downloadTimeoutS} s)…`,
  );
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: downloadTimeoutS * 1000,
    killSignal: 'SIGKILL',
  });
  if (result.status === 0) return undefined;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const timedOut = result.error && 'code' in result.error && result.error.code === 'ETIMEDOUT';
  // The installer prints a whole stack; its first line is the part worth showing.
  const cause = timedOut
    ? `no download within ${downloadTimeoutS} s; on a slow link raise LAKEHOUSE_ELECTRON_DOWNLOAD_TIMEOUT (seconds)`
    : (result.stderr ?? '').trim().split('\n')[0] || result.error?.message || `exit ${result.status}`;
  return `${cause} (after ${seconds} s)`;
}

/** The binary's path, downloading it first if needed; or why there is none. */
function ensureElectron() {
  const installed = findElectronBinary(electronDir);
  // An explicit ELECTRON_OVERRIDE_DIST_PATH means "use this build": downloading would not help.
  if (
    installed.found ||
    process.env['ELECTRON_OVERRIDE_DIST_PATH'] ||
    !existsSync(join(electronDir, 'install.js'))
  )
    return installed;
  const failure = downloadElectron();
  const after = findElectronBinary(electronDir);
  return after.found || failure === undefined
    ? after
    : { found: false, reason: failure, downloadFailed: true };
}

/** True when the lake has no built table yet (a first start, or one interrupted before its run). */
function hasNoTables(dir) {
  const tables = join(dir, 'tables');
  return !existsSync(tables) || readdirSync(tables).length === 0;
}

/**
 * Creates the sample lake on first use and builds its tables when none are built yet; returns
 * the CLI's exit status (0 when nothing to do).
 */
function ensureSampleLake() {
  if (lake !== sampleLake) return 0;
  const create = !existsSync(join(lake, 'lakehouse.yml'));
  if (!create && !hasNoTables(lake)) return 0;
  if (!existsSync(cli)) {
    console.error(
      `The lakehouse CLI (${shown(cli)}) is not in this checkout, so the sample lake cannot be created.`,
    );
    return 1;
  }
  if (create) {
    console.log(`Creating a sample lake with 7 days of events in ${shown(lake)}…`);
    const status = runNode([cli, 'init', lake, '--sample', '--days', '7']);
    if (status !== 0) {
      console.error(`\`lakehouse init\` failed (exit ${status}); its message is above.`);
      return status;
    }
  }
  console.log('Building its tables (lakehouse run)…');
  const status = runNode([cli, 'run', lake]);
  if (status !== 0) console.error(`\`lakehouse run\` failed (exit ${status}); its message is above.`);
  return status;
}

/** Browser mode: `lakehouse serve` on the same lake, in the foreground, until Ctrl-C. */
function runBrowserMode({ reason, downloadFailed }) {
  const hint = downloadFailed ? '; set ELECTRON_MIRROR to a reachable mirror to get it' : '';
  console.log(`Electron is not available (${reason}${hint}): serving the workbench in your browser instead.`);
  // A lake whose tables could not be built still opens: the UI shows what is there and why.
  if (ensureSampleLake() !== 0 && !existsSync(join(lake, 'lakehouse.yml'))) return Promise.resolve(1);
  if (!existsSync(cli)) {
    console.error(`The lakehouse CLI (${shown(cli)}) is not in this checkout, so browser mode cannot start.`);
    return Promise.resolve(1);
  }
  const child = spawn(process.execPath, [cli, 'serve', lake], { cwd: repoRoot, stdio: 'inherit' });
  // Ctrl-C reaches the server directly (same process group); it stops itself cleanly. Other
  // signals are passed on.
  process.on('SIGINT', () => undefined);
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  return new Promise((settle) => {
    child.on('error', (error) => {
      console.error(`Could not start lakehouse serve: ${error.message}`);
      settle(1);
    });
    child.on('close', (code, signal) => settle(code ?? (signal ? 1 : 0)));
  });
}

/** Newest modification time (ms) of the files under `dir`, or 0 when there are none. */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The build is stale when an entry output is missing or older than any source or config. */
function buildIsStale() {
  const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) =>
    join(repoRoot, p),
  );
  if (!outputs.every((p) => existsSync(p))) return true;
  const oldestOutput = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const inputs = ['electron.vite.config.ts', 'svelte.config.js', 'package.json']
    .map((p) => join(repoRoot, p))
    .filter((p) => existsSync(p))
    .map((p) => statSync(p).mtimeMs);
  return Math.max(newestMtime(join(repoRoot, 'src')), ...inputs) > oldestOutput;
}

function launchApp(electronPath) {
  if (buildIsStale()) {
    console.log('Building the app (electron-vite build)…');
    const status = runNode([
      join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build',
    ]);
    if (status !== 0) {
      console.error(`The build failed (exit ${status}); its errors are above.`);
      return Promise.resolve(status);
    }
  }
  // The app still starts without a lake (the user can open one from the File menu), and with a
  // lake whose tables could not be built (the window shows why).
  ensureSampleLake();
  const haveLake = existsSync(join(lake, 'lakehouse.yml'));
  if (!haveLake) console.error('Starting the app without a lake.');
  const env = { ...process.env };
  // Set by some editors' terminals; it would make the binary behave as plain Node.
  delete env['ELECTRON_RUN_AS_NODE'];
  if (haveLake) env['LAKEHOUSE_LAKE'] = lake;
  else delete env['LAKEHOUSE_LAKE'];

  const child = spawn(electronPath, [repoRoot], { cwd: repoRoot, stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  return new Promise((settle) => {
    child.on('error', (error) => {
      console.error(`Could not start Electron (${electronPath}): ${error.message}`);
      settle(1);
    });
    // A death by signal has no exit code; report it as a failure rather than success.
    child.on('close', (code, signal) => settle(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const electron = ensureElectron();
  process.exitCode = electron.found ? await launchApp(electron.path) : await runBrowserMode(electron);
}

await main();
