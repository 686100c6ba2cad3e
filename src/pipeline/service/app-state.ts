// The app's own small state in the lake folder, `.workbench/`: query history and
// saved queries (queries.json) and workbench settings (settings.json). Plain
// JSON, not Delta tables: it is UI state, written whole with an atomic rename,
// and a missing or unreadable file reads as empty (it never blocks opening).

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { QueryHistoryEntry, SavedQuery } from '../../shared/contract';

/** History entries kept per lake; the oldest go first. */
export const HISTORY_LIMIT = 500;

const historyEntry = z.object({
  sql: z.string(),
  ranAt: z.string(),
  elapsedMs: z.number(),
  rows: z.number().nullable(),
  error: z.string().nullable(),
});
const savedQuery = z.object({ name: z.string(), sql: z.string(), savedAt: z.string() });
const queriesFile = z.object({
  history: z.array(historyEntry).catch([]),
  saved: z.array(savedQuery).catch([]),
});
const settingsFile = z.object({ autoRun: z.boolean().catch(true) });

export interface QueriesData {
  history: QueryHistoryEntry[];
  saved: SavedQuery[];
}

export class AppState {
  readonly dir: string;
  private queries: QueriesData | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(lakeRoot: string) {
    this.dir = path.join(lakeRoot, '.workbench');
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  private read<T>(name: string, schema: z.ZodType<T>, fallback: T): T {
    try {
      const parsed = schema.safeParse(JSON.parse(fs.readFileSync(this.file(name), 'utf8')));
      return parsed.success ? parsed.data : fallback;
    } catch {
      return fallback;
    }
  }

  /** Writes whole files in order, each through a temporary file and a rename. */
  private write(name: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value, null, 1);
    const next = this.writing.then(async () => {
      await fs.promises.mkdir(this.dir, { recursive: true });
      const tmp = `${this.file(name)}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, text);
      await fs.promises.rename(tmp, this.file(name));
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  private loadQueries(): QueriesData {
    this.queries ??= this.read('queries.json', queriesFile, { history: [], saved: [] });
    return this.queries;
  }

  history(limit = HISTORY_LIMIT): QueryHistoryEntry[] {
    return this.loadQueries().history.slice(0, limit);
  }

  /** Records a run query, newest first. */
  async addHistory(entry: QueryHistoryEntry): Promise<void> {
    const q = this.loadQueries();
    q.history = [entry, ...q.history].slice(0, HISTORY_LIMIT);
    await this.write('queries.json', q);
  }

  saved(): SavedQuery[] {
    return [...this.loadQueries().saved];
  }

  /** Saves (or replaces) a named query; the list stays sorted by name. */
  async save(name: string, sql: string): Promise<SavedQuery[]> {
    const q = this.loadQueries();
    q.saved = [...q.saved.filter((s) => s.name !== name), { name, sql, savedAt: new Date().toISOString() }];
    q.saved.sort((a, b) => a.name.localeCompare(b.name));
    await this.write('queries.json', q);
    return this.saved();
  }

  async deleteSaved(name: string): Promise<boolean> {
    const q = this.loadQueries();
    const before = q.saved.length;
    q.saved = q.saved.filter((s) => s.name !== name);
    if (q.saved.length === before) return false;
    await this.write('queries.json', q);
    return true;
  }

  autoRun(): boolean {
    return this.read('settings.json', settingsFile, { autoRun: true }).autoRun;
  }

  async setAutoRun(autoRun: boolean): Promise<void> {
    await this.write('settings.json', { autoRun });
  }

  /** Waits for pending writes. */
  flush(): Promise<void> {
    return this.writing;
  }
}
