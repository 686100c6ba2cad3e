// SQL that reads raw files with a source's explicit schema. `rawParseSql` keeps
// every line with the reason it is bad (NULL when good) — the pipeline sends the
// bad ones to quarantine; `rawViewSql` is the explore view of the good rows.
// One reason per line, checked in order: malformed, missing, wrong type, unknown value.

import type { SourceColumn, SourceDef } from '../config/sources';
import { quoteIdent, quoteList, quoteLiteral } from '../engine/sql';

/** The bookkeeping columns every parsed row carries besides the source's own. */
export const RAW_META_COLUMNS = ['_file', '_line', '_arrival_date', '_raw', '_reason'] as const;

const SNIPPET = 80;

/**
 * Where DuckDB's CSV reader puts the rows it cannot read (wrong column count,
 * bad encoding, broken quoting): temporary tables of the statement's
 * connection, which `csvRejectsSql` turns into bad lines. Without them those
 * rows are skipped — fine for views of the good rows, not for quarantine.
 */
export interface CsvRejects {
  table: string;
  scan: string;
}

export function rawParseSql(source: SourceDef, files: readonly string[], rejects?: CsvRejects): string {
  if (files.length === 0) return emptySql(source);
  switch (source.format) {
    case 'jsonl':
      return jsonlSql(source, files);
    case 'csv':
      return csvSql(source, files, rejects);
    case 'parquet':
      return parquetSql(source, files);
  }
}

export function rawViewSql(source: SourceDef, files: readonly string[]): string {
  return goodRowsSql(source, `(${rawParseSql(source, files)})`);
}

/** The good rows of a relation shaped like rawParseSql's output, optionally of some arrival days only. */
export function goodRowsSql(
  source: SourceDef,
  relation: string,
  days?: { from: string; to: string },
): string {
  const cols = source.columns.map((c) => quoteIdent(c.name)).join(', ');
  const window = days
    ? ` AND _arrival_date BETWEEN DATE ${quoteLiteral(days.from)} AND DATE ${quoteLiteral(days.to)}`
    : '';
  return `SELECT ${cols}, _arrival_date, _file FROM ${relation} WHERE _reason IS NULL${window}`;
}

/**
 * JSON lines: each line is parsed once (json_transform to one JSON value per
 * declared field); kinds are read off the canonical JSON text json_transform
 * writes — `"` a string, digits without `.`/`e` an integer, `true`/`false` —
 * so that 12.5 is not an INTEGER and "42" is not a number, even where TRY_CAST
 * would accept them. A JSON null counts as absent. Only a trailing CR is
 * dropped from a line, so CRLF files read like LF files.
 */
function jsonlSql(source: SourceDef, files: readonly string[]): string {
  const structure = JSON.stringify(Object.fromEntries(source.columns.map((c) => [c.name, 'JSON'])));
  const fields = source.columns.map(
    (c, i) => `CAST(struct_extract(_j, ${quoteLiteral(c.name)}) AS VARCHAR) AS _e${i}`,
  );
  const typed = source.columns.map((c, i) => `${jsonCast(`_e${i}`, c)} AS ${quoteIdent(c.name)}`);
  return `SELECT _file, _line, _arrival_date, _raw,
  CASE WHEN NOT _ok THEN 'malformed JSON: ' || left(_raw, ${SNIPPET})
${reasonCases(
  source.columns,
  (i) => `_e${i} IS NOT NULL`,
  (i) => jsonText(`_e${i}`),
)}
  END AS _reason,
  ${source.columns.map((c) => quoteIdent(c.name)).join(', ')}
FROM (
  SELECT _file, _line, _arrival_date, _raw, _ok, ${source.columns.map((_, i) => `_e${i}`).join(', ')}, ${typed.join(', ')}
  FROM (
    SELECT _file, _line, _arrival_date, _raw, _ok, ${fields.join(', ')}
    FROM (
      SELECT _file, _line, _arrival_date, _raw, _ok, CASE WHEN _ok THEN json_transform(_raw, ${quoteLiteral(structure)}) END AS _j
      FROM (
        SELECT _file, _line, _arrival_date, _raw,
          CASE WHEN starts_with(_raw, '{') THEN json_valid(_raw) ELSE json_valid(_raw) AND starts_with(ltrim(_raw), '{') END AS _ok
        FROM (
          SELECT _file, _line, _arrival_date, CASE WHEN ends_with(_raw, chr(13)) THEN left(_raw, -1) ELSE _raw END AS _raw
          FROM (
            SELECT _file, _arrival_date, unnest(range(1, len(_lines) + 1)) AS _line, unnest(_lines) AS _raw
            FROM (
              SELECT filename AS _file, ${arrivalDate('filename')} AS _arrival_date, string_split(content, chr(10)) AS _lines
              FROM read_text(${quoteList(files)})
            )
          )
        )
        WHERE starts_with(_raw, '{') OR trim(_raw) <> ''
      )
    )
  )
)`;
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT']);
const NUMBER_TYPES = new Set(['FLOAT', 'REAL', 'DOUBLE']);

/** A JSON string's value: the text between the quotes unless it has escapes to undo. */
function unquoted(e: string): string {
  return `CASE WHEN contains(${e}, '\\') THEN json_extract_string(${e}, '$') ELSE substring(${e}, 2, length(${e}) - 2) END`;
}

/** A field as json_extract_string gives it: strings unquoted, anything else as JSON text. */
function jsonText(e: string): string {
  return `CASE WHEN starts_with(${e}, '"') THEN ${unquoted(e)} ELSE ${e} END`;
}

/** The typed value of a field (`e`: its JSON text), NULL unless its JSON kind fits the declared type. */
function jsonCast(e: string, col: SourceColumn): string {
  const isNumber = `(ascii(${e}) BETWEEN 48 AND 57 OR ascii(${e}) = 45)`;
  if (col.type === 'JSON') return jsonText(e);
  if (col.type === 'VARCHAR') return `CASE WHEN starts_with(${e}, '"') THEN ${unquoted(e)} END`;
  if (col.type === 'BOOLEAN') return `CASE WHEN ${e} IN ('true', 'false') THEN ${e} = 'true' END`;
  if (INTEGER_TYPES.has(col.type)) {
    return `CASE WHEN ${isNumber} AND NOT (contains(${e}, '.') OR contains(${e}, 'e') OR contains(${e}, 'E')) THEN TRY_CAST(${e} AS ${col.type}) END`;
  }
  if (NUMBER_TYPES.has(col.type) || col.type.startsWith('DECIMAL'))
    return `CASE WHEN ${isNumber} THEN TRY_CAST(${e} AS ${col.type}) END`;
  // Dates, times, timestamps and UUIDs are JSON strings.
  return `CASE WHEN starts_with(${e}, '"') THEN TRY_CAST(${unquoted(e)} AS ${col.type}) END`;
}

function csvSql(source: SourceDef, files: readonly string[], rejects?: CsvRejects): string {
  const names = source.columns.map((c) => c.name);
  const typed = source.columns.map((c) => `${castText(quoteIdent(c.name), c)} AS ${quoteIdent(c.name)}`);
  const rawText = `concat_ws(${quoteLiteral(source.csv.delimiter)}, ${names.map((n) => `coalesce(${quoteIdent(n)}, '')`).join(', ')})`;
  const options = [
    `header = ${source.csv.header}`,
    `delim = ${quoteLiteral(source.csv.delimiter)}`,
    'all_varchar = true',
    'filename = true',
    ...(rejects
      ? [
          'store_rejects = true',
          `rejects_table = ${quoteLiteral(rejects.table)}`,
          `rejects_scan = ${quoteLiteral(rejects.scan)}`,
        ]
      : ['ignore_errors = true']),
    ...(source.csv.header ? [] : [`names = ${quoteList(names)}`]),
  ];
  return `SELECT _file, NULL::BIGINT AS _line, ${arrivalDate('_file')} AS _arrival_date, _raw,
  CASE WHEN false THEN NULL
${reasonCases(
  source.columns,
  (i) => `_t${i} IS NOT NULL`,
  (i) => `_t${i}`,
)}
  END AS _reason,
  ${names.map(quoteIdent).join(', ')}
FROM (
  SELECT filename AS _file, ${rawText} AS _raw,
    ${source.columns.map((c, i) => `${quoteIdent(c.name)} AS _t${i}`).join(', ')},
    ${typed.join(', ')}
  FROM read_csv(${quoteList(files)}, ${options.join(', ')})
)`;
}

/** The rows a CSV read with `rejects` could not read, as bad lines in rawParseSql's shape (one per line). */
export function csvRejectsSql(source: SourceDef, rejects: CsvRejects): string {
  const cols = source.columns.map((c) => `NULL::${c.type} AS ${quoteIdent(c.name)}`).join(', ');
  return `SELECT _file, _line, ${arrivalDate('_file')} AS _arrival_date, _raw, _reason, ${cols}
FROM (
  SELECT s.file_path AS _file, e.line::BIGINT AS _line, e.csv_line AS _raw,
    'malformed CSV row: ' || e.error_message AS _reason
  FROM ${quoteIdent(rejects.table)} AS e JOIN ${quoteIdent(rejects.scan)} AS s USING (scan_id, file_id)
  QUALIFY row_number() OVER (PARTITION BY s.file_path, e.line ORDER BY e.column_idx NULLS FIRST) = 1
)`;
}

function parquetSql(source: SourceDef, files: readonly string[]): string {
  const typed = source.columns.map((c, i) => `TRY_CAST(_t${i} AS ${c.type}) AS ${quoteIdent(c.name)}`);
  return `SELECT _file, _line, ${arrivalDate('_file')} AS _arrival_date, _raw,
  CASE WHEN false THEN NULL
${reasonCases(
  source.columns,
  (i) => `_t${i} IS NOT NULL`,
  (i) => `_t${i}`,
)}
  END AS _reason,
  ${source.columns.map((c) => quoteIdent(c.name)).join(', ')}
FROM (
  SELECT filename AS _file, file_row_number + 1 AS _line, NULL::VARCHAR AS _raw,
    ${source.columns.map((c, i) => `CAST(${quoteIdent(c.name)} AS VARCHAR) AS _t${i}`).join(', ')},
    ${typed.join(', ')}
  FROM read_parquet(${quoteList(files)}, union_by_name = true, filename = true, file_row_number = true)
)`;
}

function emptySql(source: SourceDef): string {
  const cols = source.columns.map((c) => `NULL::${c.type} AS ${quoteIdent(c.name)}`).join(', ');
  return `SELECT NULL::VARCHAR AS _file, NULL::BIGINT AS _line, NULL::DATE AS _arrival_date, NULL::VARCHAR AS _raw, NULL::VARCHAR AS _reason, ${cols} WHERE false`;
}

/** CSV text → declared type: a string column takes any text; the rest must cast cleanly. */
function castText(expr: string, col: SourceColumn): string {
  if (col.type === 'VARCHAR' || col.type === 'JSON') return expr;
  return `TRY_CAST(${expr} AS ${col.type})`;
}

/**
 * The CASE arms after "malformed": missing required, then wrong type, then
 * unknown value. `present(i)` is SQL true when field i has a non-null value,
 * `text(i)` its text as found in the file.
 */
function reasonCases(
  columns: readonly SourceColumn[],
  present: (i: number) => string,
  text: (i: number) => string,
): string {
  const arms: string[] = [];
  columns.forEach((c, i) => {
    if (c.required)
      arms.push(`    WHEN NOT (${present(i)}) THEN ${quoteLiteral(`missing required field ${c.name}`)}`);
  });
  columns.forEach((c, i) => {
    if (c.type === 'JSON') return;
    arms.push(
      `    WHEN ${present(i)} AND ${quoteIdent(c.name)} IS NULL THEN ${quoteLiteral(`wrong type for ${c.name}: expected ${c.type}, got `)} || left(coalesce(${text(i)}, ''), ${SNIPPET})`,
    );
  });
  columns.forEach((c) => {
    if (!c.acceptedValues || c.acceptedValues.length === 0) return;
    const values = c.acceptedValues
      .map((v) => (typeof v === 'string' ? quoteLiteral(v) : String(v)))
      .join(', ');
    arms.push(
      `    WHEN ${quoteIdent(c.name)} IS NOT NULL AND ${quoteIdent(c.name)} NOT IN (${values}) THEN ${quoteLiteral(`unknown value for ${c.name}: `)} || left(CAST(${quoteIdent(c.name)} AS VARCHAR), ${SNIPPET})`,
    );
  });
  return arms.join('\n');
}

function arrivalDate(fileExpr: string): string {
  return `TRY_CAST(regexp_extract(${fileExpr}, 'dt=(\\d{4}-\\d{2}-\\d{2})', 1) AS DATE)`;
}
