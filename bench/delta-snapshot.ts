// Snapshot loading of a table with 10,000 commits and a checkpoint every 10,
// against two baselines run in the same process: the floor (DuckDB reading the
// newest checkpoint file plus reading the JSON commits after it, no replay) and
// a replay of all 10,000 JSON commits without checkpoints.
// Run: npx tsx bench/delta-snapshot.ts [commits]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineClient, defaultEngineSettings } from '../src/pipeline';
import { serializeCommit } from '../src/pipeline/delta/actions';
import type { DeltaAction } from '../src/pipeline/delta/actions';
import { writeCheckpoint } from '../src/pipeline/delta/checkpoint-write';
import { loadSnapshot } from '../src/pipeline/delta/load';
import { commitFileName } from '../src/pipeline/delta/log-path';
import { localTable } from '../src/pipeline/delta/table';

const COMMITS = Number(process.argv[2] ?? 10_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-bench-snap-'));
const engine = new EngineClient({
  name: 'pipeline',
  settings: defaultEngineSettings('pipeline'),
  sandbox: null,
});

function commit(v: number): DeltaAction[] {
  const day = new Date(Date.UTC(2024, 0, 1) + (v % 365) * 86_400_000).toISOString().slice(0, 10);
  const actions: DeltaAction[] = [
    { commitInfo: { timestamp: 1_700_000_000_000 + v * 1000, operation: 'WRITE' } },
  ];
  if (v === 0) {
    actions.push(
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      {
        metaData: {
          id: 'bench',
          format: { provider: 'parquet', options: {} },
          schemaString: JSON.stringify({
            type: 'struct',
            fields: [
              { name: 'dt', type: 'date', nullable: true, metadata: {} },
              { name: 'n', type: 'long', nullable: true, metadata: {} },
            ],
          }),
          partitionColumns: ['dt'],
          configuration: {},
          createdTime: 1_700_000_000_000,
        },
      },
    );
  }
  // Each commit replaces its day's file: one add, and a remove of last year's file for that day.
  actions.push({
    add: {
      path: `dt=${day}/part-${v}.parquet`,
      partitionValues: { dt: day },
      size: 1000 + v,
      modificationTime: 1_700_000_000_000 + v * 1000,
      dataChange: true,
      stats: `{"numRecords":${v % 97},"minValues":{"n":0},"maxValues":{"n":${v}},"nullCount":{"n":0}}`,
    },
  });
  if (v >= 365)
    actions.push({
      remove: {
        path: `dt=${day}/part-${v - 365}.parquet`,
        deletionTimestamp: 1_700_000_000_000 + v * 1000,
        dataChange: true,
      },
    });
  return actions;
}

try {
  const withCp = localTable(path.join(dir, 'with-checkpoints'), engine);
  const jsonOnly = localTable(path.join(dir, 'json-only'), engine);
  const t0 = performance.now();
  for (let v = 0; v < COMMITS; v++) {
    const text = serializeCommit(commit(v));
    await withCp.storage.putIfAbsent(`_delta_log/${commitFileName(v)}`, text);
    await jsonOnly.storage.putIfAbsent(`_delta_log/${commitFileName(v)}`, text);
    if (v > 0 && v % 10 === 0) await writeCheckpoint(withCp, { version: v });
  }
  console.log(
    `built ${COMMITS.toLocaleString('en-US')} commits with checkpoints every 10 in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const time = async (fn: () => Promise<unknown>, n = 5): Promise<number> => {
    const ts: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await fn();
      ts.push(performance.now() - s);
    }
    return ts.sort((a, b) => a - b)[Math.floor(n / 2)] ?? NaN;
  };
  const snap = await loadSnapshot(withCp);
  const ours = await time(() => loadSnapshot(withCp));
  const lastCp = Math.floor((COMMITS - 1) / 10) * 10;
  const cpFile = path.join(
    withCp.storage.root,
    '_delta_log',
    `${String(lastCp).padStart(20, '0')}.checkpoint.parquet`,
  );
  const floor = await time(async () => {
    await engine.read(
      `SELECT to_json(add)::VARCHAR, to_json(remove)::VARCHAR, to_json(metaData)::VARCHAR, to_json(protocol)::VARCHAR FROM read_parquet('${cpFile}')`,
      { maxRows: 10_000_000 },
    );
    for (let v = lastCp + 1; v < COMMITS; v++)
      fs.readFileSync(path.join(withCp.storage.root, '_delta_log', commitFileName(v)));
  });
  const full = await time(() => loadSnapshot(jsonOnly), 3);
  console.log(
    `snapshot of version ${snap.version}: ${snap.files.length} live files, ${snap.tombstones.length} tombstones`,
  );
  console.log(`  load with checkpoints: ${ours.toFixed(1)} ms (median of 5)`);
  console.log(
    `  floor (read checkpoint + trailing commits, no replay): ${floor.toFixed(1)} ms — ratio ${(ours / floor).toFixed(2)}`,
  );
  console.log(
    `  replay of all ${COMMITS.toLocaleString('en-US')} JSON commits: ${full.toFixed(0)} ms — checkpoints make it ${(full / ours).toFixed(0)}× faster`,
  );
} finally {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
}
