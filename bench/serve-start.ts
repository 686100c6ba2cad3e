// Browser-mode start-up and query latency, measured the way a user meets them:
//   cold start   — `lakehouse serve <lake>` spawned → URL printed → Chromium shows the catalog
//                  (a table name from catalog.list visible on the page);
//   first rows   — a sorted query over raw.activity (JSON lines parsed on every read): the
//                  service's query.run round trip over HTTP, and in the UI (type into the
//                  editor, Ctrl+Enter, the first row's id visible); and query.run over a Delta
//                  table (staging.stg_activity), unsorted.
// The renderer is built beforehand and the lake made beforehand; neither is counted.
// Usage: npm run bench:serve -- [--days 7] [--events-per-day 20000] [--runs 3]

import { parseArgs } from 'node:util';
import {
  buildRenderer,
  callService,
  chromiumSkipReason,
  closeAll,
  launchBrowser,
  openPage,
  sampleLake,
  screenshot,
  startServe,
} from '../tests/e2e/harness';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '7' },
    'events-per-day': { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
  },
});
const days = Number(values.days);
const eventsPerDay = Number(values['events-per-day']);
const runs = Number(values.runs);

const ms = (t0: number): number => Math.round(performance.now() - t0);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function main(): Promise<void> {
  if (chromiumSkipReason !== null) {
    console.error(chromiumSkipReason);
    process.exitCode = 1;
    return;
  }
  let t0 = performance.now();
  const lake = await sampleLake({ days, eventsPerDay });
  console.log(`sample lake: ${days} days × ${eventsPerDay} events/day, made and built in ${ms(t0)} ms`);
  t0 = performance.now();
  await buildRenderer();
  console.log(`renderer ready (built or copied) in ${ms(t0)} ms`);
  await launchBrowser();

  const rows: Record<string, number | string>[] = [];
  for (let run = 1; run <= runs; run++) {
    const start = performance.now();
    const serve = await startServe(lake);
    const urlMs = ms(start);
    const catalog = await callService(serve, 'catalog.list', {});
    const table =
      catalog.tables.find((t) => t.kind === 'delta' && t.schema !== 'workbench') ?? catalog.tables[0];
    const { page } = await openPage(serve);
    let catalogMs: number | string = 'not shown';
    if (table !== undefined) {
      try {
        await page.getByText(table.name).first().waitFor({ state: 'visible', timeout: 60_000 });
        catalogMs = ms(start);
      } catch {
        // The UI did not show the table within a minute; reported as such.
      }
    }

    const sql = 'select event_id, event_type, event_ts from raw.activity order by event_id';
    let t = performance.now();
    const result = await callService(serve, 'query.run', { sql, queryId: `bench-${run}`, pageSize: 500 });
    const apiMs = ms(t);
    const firstId = String(result.rows[0]?.[0] ?? '');
    // The same over a Delta table (parquet), which is what most editor queries read.
    t = performance.now();
    const delta = await callService(serve, 'query.run', {
      sql: 'select * from staging.stg_activity',
      queryId: `bench-delta-${run}`,
      pageSize: 500,
    });
    const deltaMs = ms(t);

    let uiMs: number | string = 'n/a';
    const editor = page.locator('.monaco-editor').first();
    if ((await editor.count()) > 0 && firstId !== '') {
      try {
        await editor.click();
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.type(sql);
        await page.keyboard.press('Escape'); // close the completion list typing opened
        t = performance.now();
        await page.keyboard.press('ControlOrMeta+Enter');
        await page.getByText(firstId, { exact: true }).first().waitFor({ state: 'visible', timeout: 60_000 });
        uiMs = ms(t);
      } catch (err) {
        uiMs = `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
      }
    }
    if (run === 1) await screenshot(page, 'bench-serve-start');
    rows.push({
      run,
      'spawn→URL ms': urlMs,
      'spawn→catalog shown ms': catalogMs,
      'query.run HTTP ms': apiMs,
      'query.run Delta ms': deltaMs,
      'Delta rows': delta.totalRows ?? '?',
      'UI Ctrl+Enter→first row ms': uiMs,
      'result rows': result.totalRows ?? '?',
    });
    await serve.stop();
  }
  console.table(rows);
  const nums = (k: string): number[] =>
    rows.map((r) => r[k]).filter((v): v is number => typeof v === 'number');
  console.log(
    `median: spawn→URL ${median(nums('spawn→URL ms'))} ms, cold start to catalog ${median(nums('spawn→catalog shown ms'))} ms, ` +
      `query.run ${median(nums('query.run HTTP ms'))} ms (Delta table: ${median(nums('query.run Delta ms'))} ms), UI query→first rows ${median(nums('UI Ctrl+Enter→first row ms'))} ms`,
  );
}

try {
  await main();
} finally {
  await closeAll();
}
