// SQL completion from the live catalog: after `schema.` the schema's tables,
// after `table.` or `alias.` its columns (aliases read from the statement's
// FROM/JOIN clauses), otherwise columns of the tables in the statement, tables,
// schemas, DuckDB functions and keywords. The catalog is refreshed by the editor
// when the lake changes; the provider reads whatever is current.

import type { CompletionCatalog } from '../../../../shared/contract';
import { statementAt } from '../../lib/sql';
import { LANGUAGE_ID, monaco, setSqlGrammar } from './monaco-setup';
import { findTable, qualifierBefore, tablesInStatement, unquote } from './sql-context';
import type { Table } from './sql-context';

let catalog: CompletionCatalog = { schemas: [], tables: [], functions: [], keywords: [] };

export function setCompletionCatalog(next: CompletionCatalog): void {
  catalog = next;
  setSqlGrammar(next.functions.map((f) => f.name));
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
  const inStatement = tablesInStatement(stmt, catalog.tables);

  const ref = qualifierBefore(line);
  if (ref !== null) {
    const parts = ref.split('.').map(unquote);
    const items: monaco.languages.CompletionItem[] = [];
    if (parts.length === 1) {
      const name = parts[0] ?? '';
      for (const t of catalog.tables.filter((t) => t.schema.toLowerCase() === name.toLowerCase())) {
        items.push({
          label: { label: t.name, description: `${t.columns.length} columns` },
          kind: Kind.Struct,
          insertText: quoteIfNeeded(t.name),
          detail: `table ${t.schema}.${t.name}`,
          range,
          sortText: `0${t.name}`,
        });
      }
      const table = inStatement.get(name.toLowerCase()) ?? findTable(catalog.tables, name);
      if (table !== undefined) items.push(...columnItems(table, range, '0'));
    } else {
      const table = findTable(catalog.tables, ref);
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

/** Hover: a table's columns and types, or a DuckDB function's signature. */
export function provideHover(
  model: monaco.editor.ITextModel,
  position: monaco.Position,
): monaco.languages.Hover | null {
  const word = model.getWordAtPosition(position);
  if (word === null) return null;
  const before = model.getLineContent(position.lineNumber).slice(0, word.startColumn - 1);
  const schema = /([A-Za-z_][\w$]*)\.$/.exec(before)?.[1];
  const table =
    schema !== undefined && catalog.schemas.some((s) => s.toLowerCase() === schema.toLowerCase())
      ? findTable(catalog.tables, `${schema}.${word.word}`)
      : findTable(catalog.tables, word.word);
  const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
  if (table !== undefined) {
    const shown = table.columns.slice(0, 40);
    const lines = shown.map((c) => `${c.name}  ${c.type}`);
    if (table.columns.length > shown.length) lines.push(`… ${table.columns.length - shown.length} more`);
    return {
      range,
      contents: [
        { value: `**${table.schema}.${table.name}**` },
        { value: '```\n' + lines.join('\n') + '\n```' },
      ],
    };
  }
  const fn = catalog.functions.find((f) => f.name.toLowerCase() === word.word.toLowerCase());
  if (fn !== undefined) {
    return {
      range,
      contents: [{ value: '```\n' + fn.signature + '\n```' }, { value: `${fn.kind} function` }],
    };
  }
  return null;
}

let providerRegistered = false;

export function registerCompletion(): void {
  if (providerRegistered) return;
  providerRegistered = true;
  monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, {
    triggerCharacters: ['.'],
    provideCompletionItems: (model, position) => provideCompletions(model, position),
  });
  monaco.languages.registerHoverProvider(LANGUAGE_ID, {
    provideHover: (model, position) => provideHover(model, position),
  });
}
