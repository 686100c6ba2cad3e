// The Open Recent list: lake folders the user opened, newest first, kept in
// <userData>/recent-lakes.json. The first entry is the lake reopened at start. No Electron
// import, so it is unit-testable.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MAX_RECENT = 10;

export class RecentLakes {
  private readonly file: string;

  constructor(private readonly userDataDir: string) {
    this.file = path.join(userDataDir, 'recent-lakes.json');
  }

  /** Newest first; an unreadable file is an empty list. */
  list(): string[] {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { lakes?: unknown };
      return Array.isArray(parsed.lakes)
        ? parsed.lakes.filter((l): l is string => typeof l === 'string').slice(0, MAX_RECENT)
        : [];
    } catch {
      return [];
    }
  }

  /** Moves `lake` to the front. */
  add(lake: string): string[] {
    return this.write([lake, ...this.list().filter((l) => l !== lake)]);
  }

  remove(lake: string): string[] {
    return this.write(this.list().filter((l) => l !== lake));
  }

  clear(): string[] {
    return this.write([]);
  }

  private write(lakes: string[]): string[] {
    const kept = lakes.slice(0, MAX_RECENT);
    mkdirSync(this.userDataDir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ lakes: kept }, null, 2));
    renameSync(tmp, this.file);
    return kept;
  }
}
