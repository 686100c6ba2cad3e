// What the SQL around the cursor refers to, for completion: the `a.b.` qualifier
// just typed, and the tables a statement reads under their names and aliases
// (FROM / JOIN clauses). Pure text functions over the completion catalog.

import type { CompletionCatalog } from '../../../../shared/contract';

export type Table = CompletionCatalog['tables'][number];

const IDENT = String.raw`(?:"[^"]+"|[A-Za-z_][\w$]*)`;
const QUALIFIED_BEFORE = new RegExp(String.raw`(${IDENT}(?:\.${IDENT})?)\.([\w$]*)$`);
const FROM_CLAUSE = new RegExp(
  String.raw`\b(?:from|join)\s+(${IDENT}(?:\.${IDENT})?)(?:\s+(?:as\s+)?(${IDENT}))?`,
  'gi',
);
// Words that follow a table name but are not its alias.
const NOT_ALIAS = new Set(
  (
    'where join on left right inner outer full cross natural group order limit having union using ' +
    'version timestamp qualify window as positional asof anti semi offset except intersect select lateral'
  ).split(' '),
);

export const unquote = (s: string): string => (s.startsWith('"') ? s.slice(1, -1).replaceAll('""', '"') : s);
const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** `schema.name` or a bare `name` (the first table of that name in any schema). */
export function findTable(tables: Table[], ref: string): Table | undefined {
  const parts = ref.split('.').map(unquote);
  if (parts.length === 2) {
    return tables.find((t) => eq(t.schema, parts[0] ?? '') && eq(t.name, parts[1] ?? ''));
  }
  return tables.find((t) => eq(t.name, parts[0] ?? ''));
}

/** The qualifier typed right before the cursor: `core.` → `core`, `f.na` → `f`, else null. */
export function qualifierBefore(line: string): string | null {
  return QUALIFIED_BEFORE.exec(line)?.[1] ?? null;
}

/** Tables the statement reads, keyed by the (lower-case) name or alias it uses for them. */
export function tablesInStatement(sql: string, tables: Table[]): Map<string, Table> {
  const out = new Map<string, Table>();
  for (const m of sql.matchAll(FROM_CLAUSE)) {
    const table = findTable(tables, m[1] ?? '');
    if (table === undefined) continue;
    out.set(table.name.toLowerCase(), table);
    const alias = m[2];
    if (alias !== undefined && !NOT_ALIAS.has(alias.toLowerCase()))
      out.set(unquote(alias).toLowerCase(), table);
  }
  return out;
}
