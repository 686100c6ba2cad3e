// Where a Delta table's bytes live. Paths are relative to the table root and use
// '/'. The contracts below are what log replay and commits rely on; LocalStorage
// keeps them on a local or mounted file system, MemoryStorage in unit tests.

import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface FileEntry {
  /** Name within the listed folder. */
  name: string;
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

export class AlreadyExistsError extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists`);
  }
}

export interface Storage {
  /** Absolute location of the table root (for DuckDB, which reads files itself). */
  readonly root: string;
  /** Entries directly under `dir` with sizes and times; resolves to [] when `dir` does not exist. */
  list(dir: string): Promise<FileEntry[]>;
  /** Names directly under `dir`, without stat calls (cheap for a log of 10,000 commits); [] when absent. */
  listNames(dir: string): Promise<{ name: string; isDirectory: boolean }[]>;
  /** The whole file; rejects with code ENOENT when it does not exist. */
  read(file: string): Promise<Buffer>;
  /** Null when the file does not exist. */
  stat(file: string): Promise<FileEntry | null>;
  /**
   * Creates `file` with `data` only if nothing exists at that path. Must reject
   * with AlreadyExistsError when the path exists, so of two writers exactly one wins.
   */
  putIfAbsent(file: string, data: string | Buffer): Promise<void>;
  /** Replaces `file` so readers see the old or the new content, never a mix. */
  put(file: string, data: string | Buffer): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  delete(file: string): Promise<void>;
}

/**
 * A folder on a local disk or a mounted share.
 *
 * putIfAbsent writes a temporary file, syncs it, then hard-links it to the
 * final name: `link` fails when the name exists, so the commit is atomic and
 * all-or-nothing. Where the file system has no hard links (some SMB mounts) it
 * falls back to an exclusive create (`open(…, 'wx')`): still exactly one
 * winner, but a reader racing the writer may see the file before its last
 * bytes land — readers therefore retry a commit that does not parse.
 */
export class LocalStorage implements Storage {
  /** Set once `link` proved unsupported here; from then on exclusive create is used. */
  private noHardLinks = false;

  constructor(readonly root: string) {}

  private abs(file: string): string {
    return path.join(this.root, ...file.split('/'));
  }

  async list(dir: string): Promise<FileEntry[]> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(this.abs(dir), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: FileEntry[] = [];
    for (const e of entries) {
      try {
        const st = await fs.stat(path.join(this.abs(dir), e.name));
        out.push({ name: e.name, size: st.size, mtimeMs: st.mtimeMs, isDirectory: st.isDirectory() });
      } catch {
        // Deleted between readdir and stat (vacuum, a temp file renamed away): not there.
      }
    }
    return out;
  }

  async listNames(dir: string): Promise<{ name: string; isDirectory: boolean }[]> {
    try {
      const entries = await fs.readdir(this.abs(dir), { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  read(file: string): Promise<Buffer> {
    return fs.readFile(this.abs(file));
  }

  async stat(file: string): Promise<FileEntry | null> {
    try {
      const st = await fs.stat(this.abs(file));
      return { name: path.basename(file), size: st.size, mtimeMs: st.mtimeMs, isDirectory: st.isDirectory() };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async putIfAbsent(file: string, data: string | Buffer): Promise<void> {
    const target = this.abs(file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    if (!this.noHardLinks) {
      const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
      await writeSynced(tmp, data, 'wx');
      try {
        await fs.link(tmp, target);
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new AlreadyExistsError(file);
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
        this.noHardLinks = true;
      } finally {
        await fs.rm(tmp, { force: true });
      }
    }
    try {
      await writeSynced(target, data, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new AlreadyExistsError(file);
      throw err;
    }
  }

  async put(file: string, data: string | Buffer): Promise<void> {
    const target = this.abs(file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
    await writeSynced(tmp, data, 'wx');
    await fs.rename(tmp, target);
  }

  async delete(file: string): Promise<void> {
    await fs.rm(this.abs(file), { force: true });
  }
}

async function writeSynced(file: string, data: string | Buffer, flag: 'wx' | 'w'): Promise<void> {
  const handle = await fs.open(file, flag);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** An in-memory table folder for unit tests; keeps the same contracts. */
export class MemoryStorage implements Storage {
  readonly files = new Map<string, { data: Buffer; mtimeMs: number }>();
  constructor(readonly root = '/memory') {}

  async list(dir: string): Promise<FileEntry[]> {
    const prefix = dir === '' ? '' : `${dir.replace(/\/$/, '')}/`;
    const seen = new Map<string, FileEntry>();
    for (const [p, f] of this.files) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const [name = '', ...more] = rest.split('/');
      if (more.length > 0) seen.set(name, { name, size: 0, mtimeMs: f.mtimeMs, isDirectory: true });
      else seen.set(name, { name, size: f.data.length, mtimeMs: f.mtimeMs, isDirectory: false });
    }
    return [...seen.values()];
  }

  async listNames(dir: string): Promise<{ name: string; isDirectory: boolean }[]> {
    return (await this.list(dir)).map((e) => ({ name: e.name, isDirectory: e.isDirectory }));
  }

  async read(file: string): Promise<Buffer> {
    const f = this.files.get(file);
    if (!f) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
    return f.data;
  }

  async stat(file: string): Promise<FileEntry | null> {
    const f = this.files.get(file);
    return f
      ? { name: path.posix.basename(file), size: f.data.length, mtimeMs: f.mtimeMs, isDirectory: false }
      : null;
  }

  async putIfAbsent(file: string, data: string | Buffer): Promise<void> {
    if (this.files.has(file)) throw new AlreadyExistsError(file);
    this.files.set(file, { data: Buffer.from(data), mtimeMs: Date.now() });
  }

  async put(file: string, data: string | Buffer): Promise<void> {
    this.files.set(file, { data: Buffer.from(data), mtimeMs: Date.now() });
  }

  async delete(file: string): Promise<void> {
    this.files.delete(file);
  }
}
