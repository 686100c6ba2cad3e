// Raw JSON-lines files with bytes that are not UTF-8. DuckDB's read_text refuses
// such a file whole, which would fail the run over one bad line. The pipeline
// instead reads a copy in which each line that is not UTF-8 is replaced by a
// marked, readable version of itself (undecodable bytes as U+FFFD); the parse
// sees it as malformed, and `restoreSql` gives it back its own file name and
// the reason "not valid UTF-8 text". Line numbers are kept: one line for one.

import { isUtf8 } from 'node:buffer';
import fs from 'node:fs/promises';
import path from 'node:path';
import { quoteLiteral } from '../engine/sql';

/** Starts a replaced line; a NUL first makes sure no JSON parser accepts it. */
const MARK = '\u0000lakehouse:not-utf8\u0000';
/** MARK in SQL: a NUL cannot be written inside a string literal. */
const MARK_SQL = "chr(0) || 'lakehouse:not-utf8' || chr(0)";

/** The file read_text refused for not being UTF-8, from the engine's error (or DuckDB's); null for any other error. */
export function notUtf8File(err: unknown): string | null {
  const message = err instanceof Error ? err.message : String(err);
  const found =
    /^The file '(.+?)' is not UTF-8 text/.exec(message) ??
    /could not read content of file '(.+?)' as valid UTF-8/.exec(message);
  return found?.[1] ?? null;
}

/**
 * Writes the copy of `file` into `dir`, keeping its `dt=…` folder so the
 * arrival date reads the same, and returns the copy's path.
 */
export async function writeUtf8Copy(file: string, dir: string): Promise<string> {
  const bytes = await fs.readFile(file);
  const decoder = new TextDecoder('utf-8');
  const out: Buffer[] = [];
  let start = 0;
  while (start <= bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const line = bytes.subarray(start, end);
    out.push(isUtf8(line) ? line : Buffer.from(MARK + decoder.decode(line)));
    if (nl === -1) break;
    out.push(Buffer.from('\n'));
    start = nl + 1;
  }
  const copy = path.join(dir, path.basename(path.dirname(file)), path.basename(file));
  await fs.mkdir(path.dirname(copy), { recursive: true });
  await fs.writeFile(copy, Buffer.concat(out));
  return copy;
}

/** `relation` (rawParseSql shape) with the copies' rows named after their files, and their marked lines' reason. */
export function restoreSql(relation: string, copyOf: ReadonlyMap<string, string>): string {
  const files = [...copyOf].map(([file, copy]) => `WHEN ${quoteLiteral(copy)} THEN ${quoteLiteral(file)}`);
  const marked = `starts_with(_raw, ${MARK_SQL})`;
  const text = `substring(_raw, ${MARK.length + 1})`;
  return `SELECT * REPLACE (
    CASE _file ${files.join(' ')} ELSE _file END AS _file,
    CASE WHEN ${marked} THEN ${text} ELSE _raw END AS _raw,
    CASE WHEN ${marked} THEN 'not valid UTF-8 text: ' || left(${text}, 80) ELSE _reason END AS _reason)
  FROM (${relation})`;
}
