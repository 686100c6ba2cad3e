// A column profile of one table (at one version): per column the null share,
// an approximate distinct count, min/max and a histogram — equal-width buckets
// for numbers, dates and times, the most frequent values for everything else —
// computed by one query on the explore engine.

import type { ColumnProfile } from '../../shared/contract';
import type { CellValue, ColumnInfo } from '../../shared/query';
import type { EngineClient } from '../engine/client';
import { quoteIdent } from '../engine/sql';

const BUCKETS = 10;
/**
 * The query's own names for the table and its stats row; unusual so that no column of the
 * profiled table shadows them (a column `s` would otherwise be read as the stats row).
 */
const ROWS = '__profile_rows';
const STATS = '__profile_stats';
const TOP_VALUES = 10;
const RANGED = new Set<ColumnInfo['kind']>(['integer', 'bigint', 'decimal', 'float', 'date', 'timestamp']);
/** Kinds without a useful order: no min/max, counted through their text form. */
const COMPOSITE = new Set<ColumnInfo['kind']>(['list', 'struct', 'map', 'blob', 'other']);

/**
 * The value buckets are computed on: whole numbers stay whole (bounds are then exact
 * values), other numbers are DOUBLE, times TIMESTAMP, dates stay dates.
 */
function binned(c: ColumnInfo, expr: string): string {
  if (c.kind === 'date') return expr;
  if (c.kind === 'timestamp') return `${expr}::TIMESTAMP`;
  if (c.kind === 'integer' || c.kind === 'bigint') return `${expr}::HUGEINT`;
  return `${expr}::DOUBLE`;
}

function columnSql(c: ColumnInfo, i: number): { stats: string[]; histogram: string } {
  const col = quoteIdent(c.name);
  const composite = COMPOSITE.has(c.kind);
  const distinct = composite ? `approx_count_distinct(${col}::VARCHAR)` : `approx_count_distinct(${col})`;
  const stats = [
    `count(${col}) AS nn${i}`,
    `${distinct} AS d${i}`,
    composite ? `NULL AS mn${i}` : `min(${col}) AS mn${i}`,
    composite ? `NULL AS mx${i}` : `max(${col}) AS mx${i}`,
  ];
  if (RANGED.has(c.kind)) {
    const lo = binned(c, `${STATS}.mn${i}`);
    const hi = binned(c, `${STATS}.mx${i}`);
    // histogram() keys are bucket upper bounds, each bucket (previous bound, bound].
    const histogram = `CASE WHEN ${STATS}.mn${i} < ${STATS}.mx${i} THEN (SELECT map_entries(histogram(${binned(c, col)}, equi_width_bins(${lo}, ${hi}, ${BUCKETS}, true))) FROM ${ROWS}) END AS h${i}`;
    return { stats, histogram };
  }
  const text = composite ? `${col}::VARCHAR` : `${col}::VARCHAR`;
  const histogram = `(SELECT list({'key': v, 'value': n} ORDER BY n DESC, v) FROM (SELECT ${text} AS v, count(*) AS n FROM ${ROWS} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${TOP_VALUES})) AS h${i}`;
  return { stats, histogram };
}

/** `signal` interrupts the profile query (a profile scans the whole table). */
export async function profileTable(
  engine: EngineClient,
  select: string,
  signal?: AbortSignal,
): Promise<ColumnProfile[]> {
  const options = signal ? { signal } : {};
  const { columns } = await engine.read(`SELECT * FROM (${select}) LIMIT 0`, options);
  if (columns.length === 0) return [];
  const parts = columns.map(columnSql);
  const sql = `WITH ${ROWS} AS (${select}),
${STATS} AS (SELECT count(*) AS n, ${parts.flatMap((p) => p.stats).join(', ')} FROM ${ROWS})
SELECT ${STATS}.*, ${parts.map((p) => p.histogram).join(', ')} FROM ${STATS}`;
  const { rows } = await engine.read(sql, { ...options, maxRows: 1 });
  const row = rows[0] ?? [];
  const total = Number(row[0] ?? 0);
  const statsWidth = 1 + columns.length * 4;
  return columns.map((c, i) => {
    const at = (k: number): CellValue => row[1 + i * 4 + k] ?? null;
    const nonNull = Number(at(0) ?? 0);
    const min = at(2);
    const max = at(3);
    const entries = row[statsWidth + i] ?? null;
    return {
      name: c.name,
      type: c.type,
      rows: total,
      nullPercent: total === 0 ? 0 : Math.round(((total - nonNull) / total) * 10_000) / 100,
      distinct: Number(at(1) ?? 0),
      min,
      max,
      histogram: histogramOf(c, entries, min, max, nonNull),
    };
  });
}

function label(v: CellValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function histogramOf(
  c: ColumnInfo,
  entries: CellValue,
  min: CellValue,
  max: CellValue,
  nonNull: number,
): ColumnProfile['histogram'] {
  if (!Array.isArray(entries)) {
    // One distinct value (min = max): one bucket holding every non-null row.
    return RANGED.has(c.kind) && nonNull > 0 && min !== null && label(min) === label(max)
      ? [{ label: label(min), count: nonNull }]
      : [];
  }
  const pairs = entries.flatMap((e) =>
    e !== null && typeof e === 'object' && !Array.isArray(e)
      ? [{ key: e['key'] ?? null, count: Number(e['value'] ?? 0) }]
      : [],
  );
  if (!RANGED.has(c.kind)) return pairs.map((p) => ({ label: label(p.key), count: p.count }));
  // Buckets are (previous bound, bound]; whole numbers and days get exact inclusive labels.
  let previous: CellValue = null;
  return pairs.map((p, i) => {
    const lower = i === 0 ? label(min) : after(c, previous);
    const upper = label(p.key);
    previous = p.key;
    return { label: lower === upper ? upper : `${lower} – ${upper}`, count: p.count };
  });
}

/** The first value above a bucket bound: the next whole number or day, else the bound itself. */
function after(c: ColumnInfo, bound: CellValue): string {
  if ((c.kind === 'integer' || c.kind === 'bigint') && /^-?\d+$/.test(String(bound)))
    return (BigInt(String(bound)) + 1n).toString();
  if (c.kind === 'date' && typeof bound === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(bound)) {
    const d = new Date(`${bound}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }
  return label(bound);
}
