// catalog.list and catalog.completions: what the sidebar and the SQL editor's
// completion show. Sources come from the raw listing (hot and cold zones),
// tables from the explore session's catalog with per-version cached summaries,
// views from view-materialized models; completions from the explore engine.

import type {
  CatalogSnapshot,
  CompletionCatalog,
  LakeProblem,
  SourceSummary,
  TableSummary,
} from '../../shared/contract';
import { listRawFiles } from '../lake/raw-files';
import type { Handlers } from './context';
import { lakeInfo } from './lake-methods';
import type { LakeSession } from './session';
import { sessionOf } from './session';
import { modelByTable, modelsOf, tableSummary, viewSummary } from './tables';

export function sourceSummaries(session: LakeSession): SourceSummary[] {
  const { lake } = session;
  return lake.sources.map((source) => {
    const files = listRawFiles(lake.layout, source);
    const days = [...new Set(files.map((f) => f.dt))].sort();
    return {
      name: source.name,
      format: source.format,
      files: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0),
      days: days.length,
      firstDay: days[0] ?? null,
      lastDay: days[days.length - 1] ?? null,
      columns: source.columns.map((c) => ({ name: c.name, type: c.type })),
    };
  });
}

async function catalogList(session: LakeSession): Promise<CatalogSnapshot> {
  await session.refreshIfModelsChanged();
  const models = modelsOf(session);
  const byTable = modelByTable(models);
  const problems: LakeProblem[] = [];
  const tables: TableSummary[] = [];
  const broken = new Set(session.explore.problems.map((p) => p.table));
  for (const entry of session.explore.catalog) {
    try {
      tables.push(await tableSummary(session, entry, byTable));
    } catch (err) {
      const subject = `${entry.schema}.${entry.name}`;
      if (!broken.has(subject))
        problems.push({ subject, message: err instanceof Error ? err.message : String(err) });
    }
  }
  for (const m of models) {
    if (m.config.materialized !== 'view') continue;
    tables.push(viewSummary(m));
  }
  tables.sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
  const lake = lakeInfo(session);
  lake.problems.push(...problems);
  return { lake, sources: sourceSummaries(session), tables };
}

const FUNCTION_KINDS: Record<string, CompletionCatalog['functions'][number]['kind']> = {
  scalar: 'scalar',
  aggregate: 'aggregate',
  table: 'table',
  macro: 'macro',
  table_macro: 'macro',
};

async function completions(session: LakeSession): Promise<CompletionCatalog> {
  await session.refreshIfModelsChanged();
  const engine = session.explore.engine;
  // The kept-results database and DuckDB's own catalogs are not for the editor.
  const cols = await engine.read(
    `SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns()
     WHERE database_name = current_database() AND NOT internal
       AND schema_name NOT IN ('information_schema', 'pg_catalog')
     ORDER BY schema_name, table_name, column_index`,
    { maxRows: 1_000_000 },
  );
  const tables = new Map<string, CompletionCatalog['tables'][number]>();
  for (const [schema, table, column, type] of cols.rows) {
    const key = `${String(schema)}.${String(table)}`;
    let t = tables.get(key);
    if (!t) {
      t = { schema: String(schema), name: String(table), columns: [] };
      tables.set(key, t);
    }
    t.columns.push({ name: String(column), type: String(type) });
  }
  const schemas = await engine.read(
    `SELECT DISTINCT schema_name FROM duckdb_schemas()
     WHERE database_name = current_database() AND NOT internal
       AND schema_name NOT IN ('information_schema', 'pg_catalog')
     ORDER BY 1`,
  );
  const fns = await engine.read(
    `SELECT function_name, function_type,
            first(parameters ORDER BY len(parameters)), first(return_type ORDER BY len(parameters))
     FROM duckdb_functions()
     WHERE function_type IN ('scalar', 'aggregate', 'table', 'macro', 'table_macro')
       AND regexp_full_match(function_name, '[A-Za-z][A-Za-z0-9_]*')
     GROUP BY ALL ORDER BY function_name`,
    { maxRows: 100_000 },
  );
  const seen = new Set<string>();
  const functions: CompletionCatalog['functions'] = [];
  for (const [name, type, params, ret] of fns.rows) {
    const kind = FUNCTION_KINDS[String(type)];
    if (!kind || seen.has(`${String(name)}|${kind}`)) continue;
    seen.add(`${String(name)}|${kind}`);
    const args = Array.isArray(params) ? params.map(String).join(', ') : '';
    const signature = `${String(name)}(${args})${ret === null || ret === undefined ? '' : ` → ${String(ret)}`}`;
    functions.push({ name: String(name), kind, signature });
  }
  const kw = await engine.read('SELECT keyword_name FROM duckdb_keywords() ORDER BY 1', { maxRows: 10_000 });
  return {
    schemas: schemas.rows.map((r) => String(r[0])),
    tables: [...tables.values()],
    functions,
    keywords: kw.rows.map((r) => String(r[0])),
  };
}

export const catalogHandlers: Handlers<'catalog.list' | 'catalog.completions'> = {
  'catalog.list': (_args, ctx) => catalogList(sessionOf(ctx)),
  'catalog.completions': (_args, ctx) => completions(sessionOf(ctx)),
};
