// Files appear in the lake atomically: written under a dot-prefixed temporary name in the
// same folder (so a watcher that skips dot files never sees a half-written file, and the
// rename stays on one filesystem) and then renamed into place.

import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp`);
}

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await writeFile(tmp, data, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
