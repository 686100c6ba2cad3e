// Partition state: the latest record per (model, partition) from the
// _workbench/partition_state log. Raw sources' arrival days are recorded as
// model `raw.<source>` (their quarantine was taken from that fingerprint).

import type { EngineClient } from '../engine/client';
import type { LakeLayout } from '../lake/layout';
import { appendRows, latestRowsSql, STATE_COLUMNS, workbenchTable } from './workbench';
import type { Cell } from './workbench';

export interface StateRecord {
  model: string;
  partition: string | null;
  status: 'done' | 'failed';
  fingerprint: string;
  outputVersion: number | null;
  rows: number | null;
  quarantined: number | null;
  runId: string;
  finishedAt: string;
  durationMs: number;
  error: string | null;
  /** JSON of the data test results. */
  tests: string | null;
}

export const stateKey = (model: string, partition: string | null): string => `${model}|${partition ?? ''}`;

export async function readState(layout: LakeLayout, engine: EngineClient): Promise<Map<string, StateRecord>> {
  const sql = await latestRowsSql(
    workbenchTable(layout, 'partition_state', engine),
    ['model', 'partition'],
    'finished_at',
  );
  const out = new Map<string, StateRecord>();
  if (!sql) return out;
  // Times come back as epoch ms: DuckDB's text form of a TIMESTAMPTZ is not ISO-8601.
  const cols = STATE_COLUMNS.map((c) =>
    c.type === 'TIMESTAMPTZ' ? `epoch_ms("${c.name}")::VARCHAR` : `"${c.name}"::VARCHAR`,
  ).join(', ');
  const { rows } = await engine.read(`SELECT ${cols} FROM (${sql})`, { maxRows: 10_000_000 });
  for (const r of rows) {
    const s = (i: number): string | null => (r[i] === null || r[i] === undefined ? null : String(r[i]));
    const n = (i: number): number | null => (s(i) === null ? null : Number(s(i)));
    const rec: StateRecord = {
      model: s(0) ?? '',
      partition: s(1),
      status: s(2) === 'done' ? 'done' : 'failed',
      fingerprint: s(3) ?? '',
      outputVersion: n(4),
      rows: n(5),
      quarantined: n(6),
      runId: s(7) ?? '',
      finishedAt: new Date(n(8) ?? 0).toISOString(),
      durationMs: n(9) ?? 0,
      error: s(10),
      tests: s(11),
    };
    out.set(stateKey(rec.model, rec.partition), rec);
  }
  return out;
}

/**
 * Appends records in batches: one commit per `batch` records or `intervalMs`,
 * and whatever is left at `flush()`. A crash loses at most the unflushed
 * records, whose partitions then look stale and are rebuilt (same rows).
 */
export class StateWriter {
  private buffer: Cell[][] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly layout: LakeLayout,
    private readonly engine: EngineClient,
    private readonly batch = 100,
    private readonly intervalMs = 2000,
  ) {}

  record(rec: StateRecord): void {
    this.buffer.push([
      rec.model,
      rec.partition,
      rec.status,
      rec.fingerprint,
      rec.outputVersion,
      rec.rows,
      rec.quarantined,
      rec.runId,
      rec.finishedAt,
      rec.durationMs,
      rec.error,
      rec.tests,
    ]);
    if (this.buffer.length >= this.batch) void this.flush().catch(() => undefined);
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.intervalMs);
  }

  /** Commits everything recorded so far; resolves when it is in the log. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.buffer;
    this.buffer = [];
    const next = this.chain.then(() =>
      appendRows(
        workbenchTable(this.layout, 'partition_state', this.engine),
        STATE_COLUMNS,
        rows,
        '_workbench.partition_state',
      ),
    );
    this.chain = next.catch(() => undefined);
    return next;
  }
}
