// The explore side of a lake: the sandboxed engine with a view per raw source
// and per table, kept current by `refresh()` (only views whose Delta version
// changed are replaced), and queries with VERSION/TIMESTAMP AS OF rewritten to
// the snapshot they name. The CLI and the app's SQL editor both go through it.

import type { Disposable } from '../../shared/disposable';
import type { QueryResult } from '../../shared/query';
import type { CallOptions, EngineClient } from '../engine/client';
import { findEntry, entrySelect, listCatalog, viewSql } from './catalog';
import type { CatalogEntry } from './catalog';
import { createExploreEngine, exploreSetupSql } from './lake';
import type { Lake } from './lake';
import { rewriteTimeTravel } from './time-travel';

export interface CatalogProblem {
  table: string;
  message: string;
}

export class ExploreSession implements Disposable {
  private entries: CatalogEntry[] = [];
  /** Views currently defined, by `schema.name`, with the Delta version they show (-1 for Parquet). */
  private readonly versions = new Map<string, number>();
  private readonly viewStatements = new Map<string, string[]>();
  problems: CatalogProblem[] = [];

  private constructor(
    readonly lake: Lake,
    readonly engine: EngineClient,
  ) {}

  static async open(lake: Lake): Promise<ExploreSession> {
    const session = new ExploreSession(lake, createExploreEngine(lake));
    await session.refresh();
    return session;
  }

  get catalog(): readonly CatalogEntry[] {
    return this.entries;
  }

  /** Re-lists raw files and tables; replaces the views that changed. Returns the tables that changed. */
  async refresh(): Promise<string[]> {
    const raw = exploreSetupSql(this.lake);
    await this.engine.run(raw.join(';\n'));
    this.entries = listCatalog(this.lake.layout);
    const changed: string[] = [];
    const problems: CatalogProblem[] = [];
    const seen = new Set<string>();
    for (const entry of this.entries) {
      const key = `${entry.schema}.${entry.name}`;
      seen.add(key);
      try {
        const { sql, snapshot } = await entrySelect(entry, this.engine);
        const version = snapshot?.version ?? -1;
        // A Parquet view is a glob: it sees new files without being replaced.
        if (this.versions.get(key) === version) continue;
        const stmts = viewSql(entry, sql);
        await this.engine.run(stmts.join(';\n'));
        this.versions.set(key, version);
        this.viewStatements.set(key, stmts);
        changed.push(key);
      } catch (err) {
        // One unreadable table must not hide the others; the catalog shows why.
        problems.push({ table: key, message: err instanceof Error ? err.message : String(err) });
      }
    }
    for (const key of [...this.versions.keys()]) {
      if (seen.has(key)) continue;
      await this.engine.run(
        `DROP VIEW IF EXISTS ${key
          .split('.')
          .map((p) => `"${p.replaceAll('"', '""')}"`)
          .join('.')}`,
      );
      this.versions.delete(key);
      this.viewStatements.delete(key);
      changed.push(key);
    }
    this.problems = problems;
    // A restarted worker rebuilds the same views.
    this.engine.setSetup([...raw, ...[...this.viewStatements.values()].flat()]);
    return changed;
  }

  /** Runs editor SQL, with time-travel references turned into snapshot reads. */
  async query(sql: string, options: CallOptions & { pageSize?: number } = {}): Promise<QueryResult> {
    const rewritten = await rewriteTimeTravel(sql, async (ref) => {
      const entry = findEntry(this.entries, ref.parts);
      const at = ref.version !== undefined ? { version: ref.version } : { timestamp: ref.timestamp ?? '' };
      return (await entrySelect(entry, this.engine, at)).sql;
    });
    return this.engine.query(rewritten, options);
  }

  async dispose(): Promise<void> {
    await this.engine.dispose();
  }
}
