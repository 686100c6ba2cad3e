// SQL text helpers for the renderer: identifier quoting (one helper, never string
// interpolation of names) and splitting a script into statements with their
// offsets, so the editor can run the statement under the cursor and map an
// error's position back into the whole script.

const SIMPLE = /^[a-z_][a-z0-9_]*$/;
// Names that must be quoted even when they look simple (DuckDB reserved words most likely met).
const RESERVED = new Set([
  'all',
  'and',
  'as',
  'asc',
  'by',
  'case',
  'cast',
  'check',
  'column',
  'create',
  'default',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'from',
  'group',
  'having',
  'in',
  'into',
  'is',
  'join',
  'limit',
  'not',
  'null',
  'on',
  'or',
  'order',
  'select',
  'table',
  'then',
  'to',
  'union',
  'user',
  'using',
  'when',
  'where',
  'window',
  'with',
]);

export function quoteIdent(name: string): string {
  if (SIMPLE.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

export interface Statement {
  /** Offset of the first non-blank character in the script. */
  start: number;
  /** Offset just past the last character (before the `;`). */
  end: number;
  text: string;
}

/** Splits on `;` outside quotes and comments; blank statements are dropped. */
export function splitStatements(sql: string): Statement[] {
  const out: Statement[] = [];
  let begin = 0;
  const push = (end: number): void => {
    const raw = sql.slice(begin, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text !== '') out.push({ start: begin + lead, end: begin + lead + text.length, text });
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const close = sql.indexOf(c, i + 1);
      i = close === -1 ? sql.length : close + 1;
    } else if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (c === ';') {
      push(i);
      begin = i + 1;
      i += 1;
    } else {
      i += 1;
    }
  }
  push(sql.length);
  return out;
}

/** The statement the cursor is in, or the nearest one before it (a cursor after `;` at line end). */
export function statementAt(sql: string, offset: number): Statement | null {
  const all = splitStatements(sql);
  let best: Statement | null = null;
  for (const s of all) {
    if (s.start <= offset) best = s;
    if (offset >= s.start && offset <= s.end + 1) return s;
  }
  return best ?? all[0] ?? null;
}
