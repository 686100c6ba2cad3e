// Paging latency of a large kept result through the engine worker, against a
// baseline in the same process: the same pages read with plain DuckDB on the
// calling thread (LIMIT/OFFSET over a table), which pays no worker hop.
// Run: npx tsx bench/engine-paging.ts [rows]   (default 10,000,000)

import { DuckDBInstance } from '@duckdb/node-api';
import { EngineClient, defaultEngineSettings } from '../src/pipeline';

const ROWS = Number(process.argv[2] ?? 10_000_000);
const PAGE = 500;
const SQL = `SELECT range AS id, range % 1000 AS club_id, md5(range::VARCHAR) AS label, DATE '2024-05-01' + (range % 30)::INTEGER AS day FROM range(${ROWS})`;

function ms(t0: number): number {
  return performance.now() - t0;
}

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(ms(t0));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

const offsets = { first: 0, middle: Math.floor(ROWS / 2), last: ROWS - PAGE };

const engine = new EngineClient({
  name: 'explore',
  settings: defaultEngineSettings('explore'),
  sandbox: null,
});
await engine.info();
let t0 = performance.now();
const result = await engine.query(SQL, { pageSize: PAGE });
const queryMs = ms(t0);
const ours: Record<string, number> = {};
for (const [name, offset] of Object.entries(offsets))
  ours[name] = await median(21, () => engine.fetch(result.resultId, offset, PAGE));
await engine.dispose();

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
t0 = performance.now();
await conn.run(`CREATE TABLE r AS ${SQL}`);
const baseQueryMs = ms(t0);
const base: Record<string, number> = {};
for (const [name, offset] of Object.entries(offsets)) {
  base[name] = await median(21, async () =>
    (await conn.runAndReadAll(`SELECT * FROM r LIMIT ${PAGE} OFFSET ${offset}`)).getRowsJson(),
  );
}
conn.closeSync();

console.log(`engine paging — ${ROWS.toLocaleString('en-US')} rows, pages of ${PAGE}`);
console.log(
  `  run + keep result:   ${queryMs.toFixed(0)} ms   (baseline CREATE TABLE in-process: ${baseQueryMs.toFixed(0)} ms, ratio ${(queryMs / baseQueryMs).toFixed(2)})`,
);
for (const name of Object.keys(offsets)) {
  const a = ours[name] ?? NaN;
  const b = base[name] ?? NaN;
  console.log(
    `  ${name.padEnd(6)} page:  ${a.toFixed(2)} ms median   (baseline LIMIT/OFFSET: ${b.toFixed(2)} ms, ratio ${(a / b).toFixed(2)})`,
  );
}
