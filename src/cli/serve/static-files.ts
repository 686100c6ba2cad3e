// Files `lakehouse serve` hands out: the built renderer (its page with the app's CSP) and,
// for downloads, exported results under <lake>/exports/. A path is resolved, then checked to
// stay inside its root after symlinks are followed, so `..` and links cannot leave it.

import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { contentSecurityPolicy } from '../../shared/web-policy';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers every answer carries: no sniffing, and no Referer, which would leak the page's token. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * The real path of `relative` under `root`, or null when it does not exist, is not a file, or
 * lies outside root (after `..` and symlinks are resolved).
 */
export async function resolveInside(root: string, relative: string): Promise<string | null> {
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(path.resolve(realRoot, '.' + path.sep + relative));
  } catch {
    return null;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null;
  const info = await stat(real).catch(() => null);
  return info?.isFile() === true ? real : null;
}

function decodePath(urlPath: string): string | null {
  try {
    const decoded = decodeURIComponent(urlPath);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

async function sendFile(
  res: ServerResponse,
  file: string,
  headers: Record<string, string>,
  method: string,
): Promise<void> {
  const info = await stat(file);
  res.writeHead(200, {
    ...BASE_HEADERS,
    'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(info.size),
    ...headers,
  });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file);
    stream.on('error', reject);
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}

/** Serves the renderer: `/` is index.html; hashed assets are cached, the page never is. */
export async function serveRenderer(
  res: ServerResponse,
  rendererDir: string,
  urlPath: string,
  method: string,
): Promise<boolean> {
  const decoded = decodePath(urlPath);
  if (decoded === null) return false;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = await resolveInside(rendererDir, relative);
  if (file === null) return false;
  const isPage = file.endsWith('.html');
  await sendFile(
    res,
    file,
    isPage
      ? { 'content-security-policy': contentSecurityPolicy('header'), 'cache-control': 'no-store' }
      : {
          'cache-control': relative.startsWith('assets/')
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        },
    method,
  );
  return true;
}

/**
 * Serves `/files/<path>` where <path> is relative to the lake and must lie under its exports/
 * folder (ExportResult.downloadPath), as a download.
 */
export async function serveExport(
  res: ServerResponse,
  lakeRoot: string,
  relativePath: string,
  method: string,
): Promise<boolean> {
  const decoded = decodePath(relativePath);
  if (decoded === null) return false;
  const exportsDir = path.join(lakeRoot, 'exports');
  const underExports = decoded.replace(/^\/+/, '').replace(/^exports(\/|\\)/, '');
  const file = await resolveInside(exportsDir, underExports);
  if (file === null) return false;
  const name = path.basename(file).replace(/["\\\r\n]/g, '_');
  await sendFile(
    res,
    file,
    {
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; sandbox",
    },
    method,
  );
  return true;
}
