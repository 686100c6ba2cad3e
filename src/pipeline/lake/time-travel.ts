// `FROM core.fct VERSION AS OF 3` and `TIMESTAMP AS OF '2024-05-01 10:00:00'`:
// DuckDB has no such syntax for our tables, so table references carrying it are
// found (outside strings, comments and quoted text) and replaced with a
// subquery over that version's snapshot before the SQL reaches DuckDB.

export interface TimeTravelRef {
  /** The name parts as written (unquoted), e.g. ['core', 'fct_daily']. */
  parts: string[];
  version?: number;
  timestamp?: string;
}

type Token = {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'other' | 'space';
  text: string;
  start: number;
  end: number;
};

const FOLLOWING_KEYWORDS = new Set([
  'where',
  'join',
  'left',
  'right',
  'inner',
  'outer',
  'full',
  'cross',
  'natural',
  'positional',
  'asof',
  'anti',
  'semi',
  'on',
  'using',
  'group',
  'order',
  'limit',
  'offset',
  'union',
  'except',
  'intersect',
  'having',
  'window',
  'qualify',
  'sample',
  'tablesample',
  'returning',
  'lateral',
  'pivot',
  'unpivot',
  'select',
  'from',
  'set',
  'values',
]);

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: Token['kind'], end: number): void => {
    out.push({ kind, text: sql.slice(i, end), start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const rest = sql.slice(i);
    if (/\s/.test(c)) push('space', i + (/^\s+/.exec(rest)?.[0].length ?? 1));
    else if (rest.startsWith('--'))
      push('space', sql.indexOf('\n', i) === -1 ? sql.length : sql.indexOf('\n', i));
    else if (rest.startsWith('/*'))
      push('space', sql.indexOf('*/', i + 2) === -1 ? sql.length : sql.indexOf('*/', i + 2) + 2);
    else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      push(c === "'" ? 'string' : 'quoted', Math.min(sql.length, j + 1));
    } else if (/[A-Za-z_]/.test(c))
      push('word', i + (/^[A-Za-z_][A-Za-z0-9_$]*/.exec(rest)?.[0].length ?? 1));
    else if (/[0-9]/.test(c)) push('number', i + (/^[0-9]+/.exec(rest)?.[0].length ?? 1));
    else push('other', i + 1);
  }
  return out;
}

const unquote = (t: Token): string =>
  t.kind === 'quoted' ? t.text.slice(1, -1).replaceAll('""', '"') : t.text;
const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text.toLowerCase() === w;

/** Finds `<name> VERSION|TIMESTAMP AS OF <literal>` references with their spans. */
export function findTimeTravel(
  sql: string,
): { ref: TimeTravelRef; start: number; end: number; hasAlias: boolean }[] {
  const tokens = tokenize(sql).filter((t) => t.kind !== 'space');
  const found: { ref: TimeTravelRef; start: number; end: number; hasAlias: boolean }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const kw = tokens[i];
    if (
      !(isWord(kw, 'version') || isWord(kw, 'timestamp')) ||
      !isWord(tokens[i + 1], 'as') ||
      !isWord(tokens[i + 2], 'of')
    )
      continue;
    const lit = tokens[i + 3];
    if (!lit || (lit.kind !== 'number' && lit.kind !== 'string')) continue;
    // Walk back over `name(.name)*`.
    const parts: Token[] = [];
    let j = i - 1;
    while (j >= 0) {
      const t = tokens[j];
      if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) break;
      parts.unshift(t);
      if (tokens[j - 1]?.text === '.') j -= 2;
      else break;
    }
    const first = parts[0];
    if (!first || parts.length > 3) continue;
    const ref: TimeTravelRef = { parts: parts.map(unquote) };
    if (isWord(kw, 'version')) {
      if (lit.kind !== 'number') continue;
      ref.version = Number(lit.text);
    } else
      ref.timestamp =
        lit.kind === 'string' ? unquote({ ...lit, kind: 'quoted' }).replaceAll("''", "'") : lit.text;
    const next = tokens[i + 4];
    const hasAlias =
      next !== undefined &&
      (isWord(next, 'as') ||
        ((next.kind === 'word' || next.kind === 'quoted') &&
          !FOLLOWING_KEYWORDS.has(next.text.toLowerCase())));
    found.push({ ref, start: first.start, end: lit.end, hasAlias });
  }
  return found;
}

/**
 * Replaces each time-travel reference with `(<select>) AS "<table>"` (or just
 * the parenthesized select when the query gives its own alias).
 */
export async function rewriteTimeTravel(
  sql: string,
  resolve: (ref: TimeTravelRef) => Promise<string>,
): Promise<string> {
  const refs = findTimeTravel(sql);
  let out = sql;
  for (const r of [...refs].reverse()) {
    const select = await resolve(r.ref);
    const name = r.ref.parts[r.ref.parts.length - 1] ?? 't';
    const alias = r.hasAlias ? '' : ` AS "${name.replaceAll('"', '""')}"`;
    out = `${out.slice(0, r.start)}(${select})${alias}${out.slice(r.end)}`;
  }
  return out;
}
