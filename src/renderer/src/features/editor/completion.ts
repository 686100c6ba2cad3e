// SQL completion from the live catalog: after `schema.` the schema's tables,
// after `table.` or `alias.` its columns (aliases read from the statement's
// FROM/JOIN clauses), otherwise columns of the tables in the statement, tables,
// schemas, DuckDB functions and keywords. The catalog is refreshed by the editor
// when the lake changes; the provider reads whatever is current.

import type { CompletionCatalog } from '../../../../shared/contract';
import { statementAt } from '../../lib/sql';
import { LANGUAGE_ID, monaco, setSqlGrammar } from './monaco-setup';

type Table = CompletionCatalog['tables'][number];

let catalog: CompletionCatalog = { schemas: [], tables: [], functions: [], keywords: [] };

export function setCompletionCatalog(next: CompletionCatalog): void {
  catalog = next;
  setSqlGrammar(next.functions.map((f) => f.name));
}

const IDENT = String.raw`(?:"[^"]+"|[A-Za-z_][\w$]*)`;
const QUALIFIED_BEFORE = new RegExp(String.raw`(${IDENT}(?:\.${IDENT})?)\.([\w$]*)$`);
const FROM_CLAUSE = new RegExp(
  String.raw`\b(?:from|join)\s+(${IDENT}(?:\.${IDENT})?)(?:\s+(?:as\s+)?(${IDENT}))?`,
  'gi',
);
const NOT_ALIAS = new Set([
  'where',
  'join',
  'on',
  'left',
  'right',
  'inner',
  'outer',
  'full',
  'cross',
  'natural',
  'group',
  'order',
  'limit',
  'having',
  'union',
  'using',
  'version',
  'timestamp',
  'qualify',
  'window',
  'as',
  'positional',
  'asof',
  'anti',
  'semi',
  'offset',
  'except',
  'intersect',
  'select',
  'lateral',
]);

const unquote = (s: string): string => (s.startsWith('"') ? s.slice(1, -1).replaceAll('""', '"') : s);
const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function findTable(ref: string): Table | undefined {
  const parts = ref.split('.').map(unquote);
  if (parts.length === 2)
    return catalog.tables.find((t) => eq(t.schema, parts[0] ?? '') && eq(t.name, parts[1] ?? ''));
  return catalog.tables.find((t) => eq(t.name, parts[0] ?? ''));
}

/** Tables the statement reads, by the name or alias it uses for them. */
export function tablesInStatement(sql: string): Map<string, Table> {
  const out = new Map<string, Table>();
  for (const m of sql.matchAll(FROM_CLAUSE)) {
    const ref = m[1] ?? '';
    const table = findTable(ref);
    if (table === undefined) continue;
    out.set(table.name.toLowerCase(), table);
    const alias = m[2];
    if (alias !== undefined && !NOT_ALIAS.has(alias.toLowerCase()))
      out.set(unquote(alias).toLowerCase(), table);
  }
  return out;
}

const Kind = monaco.languages.CompletionItemKind;

function columnItems(table: Table, range: monaco.IRange, sort: string): monaco.languages.CompletionItem[] {
  return table.columns.map((c) => ({
    label: { label: c.name, description: c.type },
    kind: Kind.Field,
    insertText: quoteIfNeeded(c.name),
    detail: `${table.schema}.${table.name}.${c.name} ${c.type}`,
    range,
    sortText: sort + c.name,
  }));
}

function quoteIfNeeded(name: string): string {
  return /^[A-Za-z_][\w$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

export function provideCompletions(
  model: monaco.editor.ITextModel,
  position: monaco.Position,
): monaco.languages.CompletionList {
  const word = model.getWordUntilPosition(position);
  const range: monaco.IRange = {
    startLineNumber: position.lineNumber,
    endLineNumber: position.lineNumber,
    startColumn: word.startColumn,
    endColumn: word.endColumn,
  };
  const line = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
  const full = model.getValue();
  const stmt = statementAt(full, model.getOffsetAt(position))?.text ?? full;
  const inStatement = tablesInStatement(stmt);

  const qual = QUALIFIED_BEFORE.exec(line);
  if (qual !== null) {
    const ref = qual[1] ?? '';
    const parts = ref.split('.').map(unquote);
    const items: monaco.languages.CompletionItem[] = [];
    if (parts.length === 1) {
      const name = parts[0] ?? '';
      for (const t of catalog.tables.filter((t) => eq(t.schema, name))) {
        items.push({
          label: { label: t.name, description: `${t.columns.length} columns` },
          kind: Kind.Struct,
          insertText: quoteIfNeeded(t.name),
          detail: `table ${t.schema}.${t.name}`,
          range,
          sortText: `0${t.name}`,
        });
      }
      const table = inStatement.get(name.toLowerCase()) ?? findTable(name);
      if (table !== undefined) items.push(...columnItems(table, range, '0'));
    } else {
      const table = findTable(ref);
      if (table !== undefined) items.push(...columnItems(table, range, '0'));
    }
    return { suggestions: items };
  }

  const afterFrom = /\b(from|join)\s+[\w"]*$/i.test(line);
  const items: monaco.languages.CompletionItem[] = [];
  const seen = new Set<Table>();
  for (const table of inStatement.values()) {
    if (seen.has(table)) continue;
    seen.add(table);
    items.push(...columnItems(table, range, afterFrom ? '3' : '0'));
  }
  for (const t of catalog.tables) {
    items.push({
      label: { label: `${t.schema}.${t.name}`, description: 'table' },
      kind: Kind.Struct,
      insertText: `${quoteIfNeeded(t.schema)}.${quoteIfNeeded(t.name)}`,
      filterText: `${t.name} ${t.schema}.${t.name}`,
      detail: t.columns.map((c) => c.name).join(', '),
      range,
      sortText: (afterFrom ? '0' : '1') + t.name,
    });
  }
  for (const s of catalog.schemas) {
    items.push({
      label: s,
      kind: Kind.Module,
      insertText: quoteIfNeeded(s),
      detail: 'schema',
      range,
      sortText: `2${s}`,
    });
  }
  if (!afterFrom) {
    for (const f of catalog.functions) {
      items.push({
        label: { label: f.name, description: f.kind },
        kind: Kind.Function,
        insertText: f.name,
        detail: f.signature,
        range,
        sortText: `4${f.name}`,
      });
    }
  }
  for (const k of catalog.keywords) {
    items.push({ label: k, kind: Kind.Keyword, insertText: k, range, sortText: `5${k}` });
  }
  return { suggestions: items };
}

let providerRegistered = false;

export function registerCompletion(): void {
  if (providerRegistered) return;
  providerRegistered = true;
  monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, {
    triggerCharacters: ['.'],
    provideCompletionItems: (model, position) => provideCompletions(model, position),
  });
}
