// Reading one partition of a 5M-row partitioned Delta table through our scan
// (log replay, file skipping by partition value, typed partition constants)
// against the floor in the same process: DuckDB's read_parquet over exactly
// that partition's files. Also prints the write throughput of building it.
// Run: npx tsx bench/delta-read.ts [rows] [days]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineClient, defaultEngineSettings, deltaTools } from '../src/pipeline';
import { decodePath } from '../src/pipeline/delta/actions';

const ROWS = Number(process.argv[2] ?? 5_000_000);
const DAYS = Number(process.argv[3] ?? 30);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-bench-read-'));
const engine = new EngineClient({
  name: 'pipeline',
  settings: defaultEngineSettings('pipeline'),
  sandbox: null,
});

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  return ts.sort((a, b) => a - b)[Math.floor(n / 2)] ?? NaN;
}

try {
  const table = deltaTools.localTable(path.join(dir, 'fct'), engine);
  const t0 = performance.now();
  const w = await deltaTools.writeDelta(table, {
    sql: `SELECT DATE '2024-05-01' + (i % ${DAYS})::INTEGER AS activity_date, (i % 120)::INTEGER AS club_id, i AS event_id,
                 md5(i::VARCHAR) AS label, (i % 1000)::DOUBLE / 10 AS score FROM range(${ROWS}) t(i)`,
    mode: 'overwrite',
    partitionBy: ['activity_date'],
  });
  const writeMs = performance.now() - t0;
  if (w.status !== 'committed') throw new Error(`write did not commit: ${w.status}`);
  const day = '2024-05-15';
  const snapshot = await deltaTools.loadSnapshot(table);
  const files = snapshot.files
    .filter((f) => f.partitionValues['activity_date'] === day)
    .map((f) => path.join(table.storage.root, decodePath(f.path)));
  const query = 'SELECT count(*) AS n, sum(score) AS s, count(DISTINCT club_id) AS clubs';

  let ourRows: unknown;
  const ours = await median(7, async () => {
    const snap = await deltaTools.loadSnapshot(table);
    const sql = await deltaTools.scanSql(snap, {
      predicates: [{ column: 'activity_date', op: '=', value: day }],
    });
    ourRows = (await engine.read(`${query} FROM (${sql})`)).rows;
  });
  let floorRows: unknown;
  const floor = await median(7, async () => {
    floorRows = (await engine.read(`${query} FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`))
      .rows;
  });
  const same = (a: unknown, b: unknown): boolean =>
    JSON.stringify(a, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v)) ===
    JSON.stringify(b, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v));
  if (!same(ourRows, floorRows))
    throw new Error(`results differ: ${JSON.stringify(ourRows)} vs ${JSON.stringify(floorRows)}`);
  const fullOurs = await median(3, async () =>
    engine.read(`${query} FROM (${await deltaTools.scanSql(await deltaTools.loadSnapshot(table))})`),
  );
  const all = snapshot.files.map((f) => `'${path.join(table.storage.root, decodePath(f.path))}'`).join(', ');
  const fullFloor = await median(3, () => engine.read(`${query} FROM read_parquet([${all}])`));

  console.log(
    `delta read — ${ROWS.toLocaleString('en-US')} rows in ${DAYS} daily partitions, ${snapshot.files.length} files`,
  );
  console.log(
    `  write (one overwrite commit): ${(writeMs / 1000).toFixed(2)} s, ${Math.round(ROWS / (writeMs / 1000)).toLocaleString('en-US')} rows/s`,
  );
  console.log(
    `  one partition (${day}), snapshot load + scan: ${ours.toFixed(1)} ms   floor read_parquet of its ${files.length} file(s): ${floor.toFixed(1)} ms   ratio ${(ours / floor).toFixed(2)}`,
  );
  console.log(
    `  whole table:                               ${fullOurs.toFixed(1)} ms   floor read_parquet of all files: ${fullFloor.toFixed(1)} ms   ratio ${(fullOurs / fullFloor).toFixed(2)}`,
  );
} finally {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
}
