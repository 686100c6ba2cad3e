// A table's history (DESCRIBE HISTORY): one entry per commit still in the log,
// newest first, from its commitInfo — version, time, operation, parameters,
// metrics. Commits cleaned up by log retention are simply not listed.

import { commitTimestamp, readCommit } from './load';
import { listLog, TableNotFoundError } from './log-segment';
import type { DeltaTable } from './table';

export interface HistoryEntry {
  version: number;
  /** Epoch ms. */
  timestamp: number;
  operation: string;
  operationParameters: Record<string, unknown>;
  operationMetrics: Record<string, string>;
  engineInfo: string | null;
  isBlindAppend: boolean | null;
}

export async function tableHistory(
  table: DeltaTable,
  opts: { limit?: number } = {},
): Promise<HistoryEntry[]> {
  const listing = await listLog(table.storage);
  if (listing.commits.size === 0) throw new TableNotFoundError(table.storage.root);
  const versions = [...listing.commits.keys()].sort((a, b) => b - a).slice(0, opts.limit ?? Infinity);
  const out: HistoryEntry[] = [];
  for (const version of versions) {
    const c = listing.commits.get(version);
    if (!c) continue;
    const actions = await readCommit(table, c.file);
    const info = actions.find((a) => 'commitInfo' in a);
    const ci = info && 'commitInfo' in info ? info.commitInfo : {};
    out.push({
      version,
      timestamp: await commitTimestamp(table, c.file, actions),
      operation: typeof ci.operation === 'string' ? ci.operation : 'UNKNOWN',
      operationParameters: ci.operationParameters ?? {},
      operationMetrics: ci.operationMetrics ?? {},
      engineInfo: typeof ci.engineInfo === 'string' ? ci.engineInfo : null,
      isBlindAppend: typeof ci.isBlindAppend === 'boolean' ? ci.isBlindAppend : null,
    });
  }
  return out;
}
