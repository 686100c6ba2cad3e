// The explore side of a lake: the sandboxed engine with a view per raw source
// and per table, kept current by `refresh()` (only views whose Delta version
// changed are replaced), and queries with VERSION/TIMESTAMP AS OF rewritten to
// the snapshot they name. The CLI and the app's SQL editor both go through it.

import fs from 'node:fs';
import type { Disposable } from '../../shared/disposable';
import type { QueryResult } from '../../shared/query';
import type { CallOptions, EngineClient } from '../engine/client';
import { quoteIdent, quoteQualified } from '../engine/sql';
import { loadProject, renderModel } from '../models';
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
    // refresh() defines every view and the restart setup; listing raw files here too would be done twice.
    const session = new ExploreSession(lake, createExploreEngine(lake, []));
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
    this.defineModelViews(seen, changed, problems);
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
    await this.runModelViews();
    // A restarted worker rebuilds the same views.
    this.engine.setSetup([...raw, ...[...this.viewStatements.values()].flat()]);
    return changed;
  }

  private pendingModelViews: { key: string; stmts: string[] }[] = [];

  /** Models materialized as `view` live only here: rendered over raw.* and the table views. */
  private defineModelViews(seen: Set<string>, changed: string[], problems: CatalogProblem[]): void {
    this.pendingModelViews = [];
    if (!fs.existsSync(this.lake.layout.models)) return;
    let project: ReturnType<typeof loadProject>;
    try {
      project = loadProject(this.lake);
    } catch (err) {
      problems.push({ table: 'models', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    const byName = new Map(project.models.map((m) => [m.name, m]));
    for (const model of project.models) {
      if (model.config.materialized !== 'view') continue;
      const key = `${model.config.layer}.${model.name}`;
      seen.add(key);
      try {
        const sql = renderModel(model, {
          source: (n) => quoteQualified('raw', n),
          ref: (n) => quoteQualified(byName.get(n)?.config.layer ?? 'core', n),
          this: quoteQualified(model.config.layer, model.name),
          startDs: null,
          endDs: null,
        });
        const stmts = [
          `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(model.config.layer)}`,
          `CREATE OR REPLACE VIEW ${quoteQualified(model.config.layer, model.name)} AS SELECT * FROM (\n${sql}\n)`,
        ];
        this.pendingModelViews.push({ key, stmts });
        if (this.viewStatements.get(key)?.join(';') !== stmts.join(';')) changed.push(key);
      } catch (err) {
        problems.push({ table: key, message: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private async runModelViews(): Promise<void> {
    for (const { key, stmts } of this.pendingModelViews) {
      try {
        await this.engine.run(stmts.join(';\n'));
        this.viewStatements.set(key, stmts);
        this.versions.set(key, -2);
      } catch (err) {
        this.problems.push({ table: key, message: err instanceof Error ? err.message : String(err) });
      }
    }
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
