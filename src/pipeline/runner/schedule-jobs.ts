// How a run's jobs are scheduled: partition tasks of one model gathered into
// batches that share one query, and a limiter that keeps at most n running.

import type { Model } from '../models';

/** The part of a job the grouping looks at. */
export interface Groupable {
  /** The model of a partition task whose model can run partitions in batches. */
  model?: Model;
}

export const DEFAULT_BATCH = 32;

/**
 * A COPY … PARTITION_BY buffers a row group per open partition and thread, so
 * a batch's memory grows with its partitions: about 256 MB per partition keeps
 * `concurrency` batches inside DuckDB's memory limit.
 */
export function memoryBatchCap(memoryLimit: string | undefined, concurrency: number): number {
  const cap = Math.floor(bytesOf(memoryLimit) / (256 * 1024 ** 2 * Math.max(1, concurrency)));
  return Number.isFinite(cap) ? Math.max(1, cap) : DEFAULT_BATCH;
}

export /** DuckDB's memory_limit as reported ('1.8 GiB', '512.0 MiB') in bytes; Infinity when unknown. */
function bytesOf(limit: string | undefined): number {
  const m = /^\s*([\d.]+)\s*([KMGT]?)i?B\s*$/i.exec(limit ?? '');
  if (!m) return Infinity;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[
    (m[2] ?? '').toUpperCase() as 'K'
  ];
  return Number(m[1]) * unit;
}

/**
 * The jobs in plan order, with the partition tasks of each batchable model
 * gathered into batches of at most `size` — and into at least `concurrency`
 * batches, so that a model's batches run side by side (one query keeps few
 * threads busy). A batch stands where its first member stood; its members
 * never depend on each other.
 */
export function groupJobs<J extends Groupable>(
  jobs: readonly J[],
  size: number,
  concurrency: number,
): (J | J[])[] {
  const count = new Map<string, number>();
  for (const job of jobs) if (job.model) count.set(job.model.name, (count.get(job.model.name) ?? 0) + 1);
  const out: (J | J[])[] = [];
  const open = new Map<string, J[]>();
  for (const job of jobs) {
    if (!job.model || size <= 1) {
      out.push(job);
      continue;
    }
    const limit = Math.min(size, Math.ceil((count.get(job.model.name) ?? 1) / concurrency));
    let batch = open.get(job.model.name);
    if (!batch || batch.length >= limit) {
      batch = [];
      open.set(job.model.name, batch);
      out.push(batch);
    }
    batch.push(job);
  }
  return out.map((g) => (Array.isArray(g) && g.length === 1 && g[0] ? g[0] : g));
}

/** At most `n` functions running at once, the rest queued in call order. */
export function createLimiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
