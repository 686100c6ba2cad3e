// Sample-lake generation speed: one million activity events (50 days × 20,000)
// plus the daily reference CSVs, against a baseline in the same process that
// only writes the same bytes (read back from the generated lake) to new files.
// Run: npx tsx bench/generate.ts [days] [eventsPerDay]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, generateSampleData } from '../src/pipeline';

const DAYS = Number(process.argv[2] ?? 50);
const PER_DAY = Number(process.argv[3] ?? 20_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-bench-gen-'));
try {
  const lake = path.join(dir, 'lake');
  const t0 = performance.now();
  const r = await generateSampleData({
    lakeDir: lake,
    from: '2024-05-01',
    to: addDays('2024-05-01', DAYS - 1),
    eventsPerDay: PER_DAY,
  });
  const genMs = performance.now() - t0;

  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(path.join(lake, 'raw'));
  const contents = files.map((f) => fs.readFileSync(f));
  const bytes = contents.reduce((n, c) => n + c.length, 0);
  const copy = path.join(dir, 'copy');
  fs.mkdirSync(copy);
  const t1 = performance.now();
  contents.forEach((c, i) => fs.writeFileSync(path.join(copy, `f${i}`), c));
  const writeMs = performance.now() - t1;

  const events = DAYS * PER_DAY;
  console.log(
    `sample generation — ${DAYS} days × ${PER_DAY.toLocaleString('en-US')} events = ${events.toLocaleString('en-US')} events`,
  );
  console.log(
    `  generated: ${r.files} files, ${r.lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(0)} MB in ${(genMs / 1000).toFixed(2)} s`,
  );
  console.log(`  speed:     ${Math.round(events / (genMs / 1000)).toLocaleString('en-US')} events/s`);
  console.log(
    `  baseline (write the same bytes): ${(writeMs / 1000).toFixed(2)} s — ratio ${(genMs / writeMs).toFixed(1)}`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
