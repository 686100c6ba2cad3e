// query.export through the Workbench service on a fresh sample lake: a kept
// result of `rows` rows written to Parquet and CSV, against a baseline — the same
// rows written by a plain DuckDB COPY in this process.
// Run: npx tsx bench/export.ts [rows] [columns: 4 | 12]   (default 1,000,000 × 4)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createWorkbenchService, initLake } from '../src/pipeline';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const WIDE = Number(process.argv[3] ?? 4) >= 12;
const NARROW = `range AS id, range % 1000 AS club_id, md5(range::VARCHAR) AS label, DATE '2024-05-01' + (range % 30)::INTEGER AS day`;
const EXTRA = `, range / 7 AS ratio, (range * 13)::DECIMAL(18,2) AS amount, range::HUGEINT * 1000000000000 AS huge,
  TIMESTAMP '2024-01-01' + to_seconds(range) AS ts, range % 3 = 0 AS flag, 'c' || (range % 97) AS cat,
  (range % 100000)::INTEGER AS small, [range, range + 1] AS pair`;
const SQL = `SELECT ${NARROW}${WIDE ? EXTRA : ''} FROM range(${ROWS})`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-bench-export-'));
const root = path.join(work, 'lake');
try {
  await initLake({ dir: root, sample: false });
  const service = createWorkbenchService();
  await service.call('lake.open', { path: root });
  const r = await service.call('query.run', { sql: SQL, queryId: 'bench' });
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  console.log(`${ROWS.toLocaleString()} rows × ${r.columns.length} columns`);
  for (const format of ['parquet', 'csv'] as const) {
    const t0 = performance.now();
    const ex = await service.call('query.export', { resultId: r.resultId, format, exportId: `b-${format}` });
    const took = performance.now() - t0;
    const options = format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
    const t1 = performance.now();
    await conn.run(`COPY (${SQL}) TO '${path.join(work, `baseline.${format}`)}' (${options})`);
    const base = performance.now() - t1;
    console.log(
      `${format.padEnd(8)} export ${took.toFixed(0).padStart(6)} ms  (${(ex.bytes / 1e6).toFixed(1)} MB)   plain DuckDB COPY incl. generating ${base.toFixed(0).padStart(6)} ms`,
    );
  }
  conn.closeSync();
  await service.dispose();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
