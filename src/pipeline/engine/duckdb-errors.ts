// Turns DuckDB's error text into an EngineError: the error kind ("Parser",
// "Binder", …), the message without DuckDB's code snippet, and the position in
// the SQL when DuckDB printed one (`LINE n:` and a caret under the column).

import { EngineError } from '../errors';
import type { SqlPosition } from '../../shared/errors';

const SANDBOX_HINT =
  'The SQL editor may only read files inside the lake and cannot write files or change settings.';

/**
 * Where the SQL DuckDB saw sits in the user's script: `start` is its offset in
 * the script; `executed` is the text DuckDB ran when the engine wrapped it, with
 * the user's statement beginning `prefix` characters into it.
 */
export interface SqlOrigin {
  start: number;
  executed?: string;
  prefix?: number;
}

export function engineErrorFrom(err: unknown, sql: string, origin: SqlOrigin = { start: 0 }): EngineError {
  if (err instanceof EngineError) return err;
  // DuckDB prefixes parse errors of a multi-statement script with this.
  const text = (err instanceof Error ? err.message : String(err)).replace(
    /^Failed to extract statements: /,
    '',
  );
  const kindMatch = /^([A-Za-z ]+?) Error: /.exec(text);
  const kind = kindMatch?.[1] ?? 'Unknown';
  const [head = text] = text.split(/\n\nLINE \d+:/);
  // One line: DuckDB's hints ("Candidate bindings: …") follow on the same line.
  const message = head.trim().replace(/\s*\n\s*/g, ' ');
  if (kind === 'INTERRUPT' || /^INTERRUPT Error/.test(text)) {
    return new EngineError('CANCELLED', 'The query was cancelled.', { kind: 'Interrupt' });
  }
  if (kind === 'Permission' || /disabled by configuration|configuration has been locked/.test(text)) {
    return new EngineError('SANDBOX', `${message.replace(/[.!]?$/, '.')} ${SANDBOX_HINT}`, {
      kind: 'Permission',
    });
  }
  if (kind === 'Out of Memory') {
    return new EngineError(
      'SQL',
      `${message} Raise the engine's memory limit in Settings (or engine.memory_limit in lakehouse.yml), or narrow the query.`,
      { kind },
    );
  }
  const notUtf8 = /could not read content of file '(.+?)' as valid UTF-8/.exec(text)?.[1];
  if (notUtf8) {
    // DuckDB's own advice (read_blob) gives bytes, not lines: say what the file needs instead.
    return new EngineError(
      'SQL',
      `The file '${notUtf8}' is not UTF-8 text, so it cannot be read as text. Re-encode it as UTF-8 (for example \`iconv -f latin1 -t utf-8\`); runs of the pipeline quarantine its lines that are not UTF-8 and read the rest.`,
      { kind },
    );
  }
  const position = positionFrom(text, sql, origin);
  const details: { kind: string; position?: SqlPosition } = { kind };
  if (position) details.position = position;
  return new EngineError('SQL', message, details);
}

/**
 * DuckDB prints `LINE 2: <snippet>` and a caret line under it. The snippet may be
 * cut (`...` at either end), so the column is found by locating the snippet in
 * the SQL's line, not by counting characters after the prefix.
 */
export function positionFrom(
  text: string,
  sql: string,
  origin: SqlOrigin = { start: 0 },
): SqlPosition | undefined {
  const m = /\nLINE (\d+): (.*)\n( *)\^/.exec(text);
  if (!m) return undefined;
  const [, lineStr = '1', snippetRaw = '', spaces = ''] = m;
  const prefixLen = `LINE ${lineStr}: `.length;
  const caretInSnippet = spaces.length - prefixLen;
  const script = origin.executed ?? sql.slice(origin.start);
  const lineNo = Number(lineStr);
  const lines = script.split('\n');
  const lineText = lines[lineNo - 1];
  if (lineText === undefined || caretInSnippet < 0) return undefined;
  let snippet = snippetRaw;
  let lead = 0;
  if (snippet.startsWith('...')) {
    snippet = snippet.slice(3);
    lead = 3;
  }
  if (snippet.endsWith('...')) snippet = snippet.slice(0, -3);
  const at = lineText.indexOf(snippet.slice(0, Math.max(8, caretInSnippet - lead + 1)));
  const column0 = (at === -1 ? 0 : at) + caretInSnippet - lead;
  const offsetInScript = lines.slice(0, lineNo - 1).reduce((acc, l) => acc + l.length + 1, 0) + column0;
  const absolute = origin.start + offsetInScript - (origin.prefix ?? 0);
  if (absolute < origin.start || absolute > sql.length) return undefined;
  const before = sql.slice(0, absolute).split('\n');
  return {
    line: before.length,
    column: (before[before.length - 1]?.length ?? 0) + 1,
    offset: absolute,
  };
}
