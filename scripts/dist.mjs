// `npm run dist`: builds the app (electron-vite build) and packages it for the current platform
// with electron-builder (electron-builder.yml). electron-builder downloads the Electron binaries
// (and, for Linux, its AppImage/deb tools) on first use; where that download is impossible it
// fails deep inside with a long trace, so this script recognises that case and says so plainly,
// exiting 1. Any other failure keeps electron-builder's own output and exit code.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const bin = (pkg, file) => join(repoRoot, 'node_modules', pkg, file);
const platformFlag = { linux: '--linux', win32: '--win', darwin: '--mac' }[process.platform];

if (platformFlag === undefined) {
  console.error(
    `npm run dist: packaging on ${process.platform} is not supported (Linux, Windows and macOS are).`,
  );
  process.exit(1);
}

console.log('Building the app (electron-vite build)…');
const build = spawnSync(process.execPath, [bin('electron-vite', 'bin/electron-vite.js'), 'build'], {
  cwd: repoRoot,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error(`npm run dist: the build failed (exit ${build.status ?? 'signal'}); its errors are above.`);
  process.exit(build.status ?? 1);
}

console.log(`Packaging for ${process.platform} (electron-builder ${platformFlag})…`);
const started = Date.now();
const builder = spawnSync(
  process.execPath,
  [bin('electron-builder', 'cli.js'), platformFlag, '--config', 'electron-builder.yml', '--publish', 'never'],
  { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
);
const output = `${builder.stdout ?? ''}${builder.stderr ?? ''}`;
process.stdout.write(builder.stdout ?? '');

if (builder.status === 0) {
  console.log(`Packaged in ${((Date.now() - started) / 1000).toFixed(0)} s: see release/.`);
  process.exit(0);
}

// What electron-builder says when it cannot fetch Electron or its tools.
const downloadFailure =
  /(fetch failed|getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|dial tcp|no such host|network is unreachable|unable to download|cannot download|download.*(error|failed)|github\.com)/i;
if (downloadFailure.test(output)) {
  const electronVersion = JSON.parse(readFileSync(bin('electron', 'package.json'), 'utf8')).version;
  const cause = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => downloadFailure.test(l))
    ?.replace(/^⨯\s*/, '')
    .replace(/\s+failedTask=.*$/, '');
  console.error(
    [
      '',
      `npm run dist: cannot download the Electron ${electronVersion} binaries for ${process.platform}-${process.arch}` +
        ' (or electron-builder’s packaging tools), so no package was built.',
      `  cause: ${cause ?? 'the download failed'}`,
      '  electron-builder fetches them from GitHub on first use. Run on a machine that can reach github.com,',
      '  or point ELECTRON_MIRROR (and ELECTRON_BUILDER_BINARIES_MIRROR) at a reachable mirror, or pre-fill',
      '  the electron-builder cache (~/.cache/electron and ~/.cache/electron-builder), then run it again.',
    ].join('\n'),
  );
  process.exit(1);
}
process.stderr.write(builder.stderr ?? '');
console.error(
  `npm run dist: electron-builder failed (exit ${builder.status ?? 'signal'}); its output is above.`,
);
process.exit(builder.status ?? 1);
