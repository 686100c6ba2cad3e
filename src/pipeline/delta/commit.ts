// The atomic step: a transaction becomes `_delta_log/<version>.json` through
// the storage's put-if-absent, so of two writers exactly one gets a version.
// The loser reads the commits that beat it, asks the conflict checker what they
// mean, and retries at the next free version (bounded, with jittered backoff)
// or stops. The outcome is a value — committed, skipped, conflict, retryable.

import { CancelledError } from '../errors';
import { serializeCommit } from './actions';
import type { CommitInfo } from './actions';
import { checkWinner } from './conflict-checker';
import type { WinningCommit } from './conflict-checker';
import { readCommit } from './load';
import { commitFileName, LOG_DIR } from './log-path';
import { AlreadyExistsError } from './storage';
import type { DeltaTable } from './table';
import { transactionActions } from './transaction';
import type { Transaction } from './transaction';

export type CommitResult =
  | { status: 'committed'; version: number; attempts: number }
  /** The winner at `winning` recorded this app's txn at `appVersion` ≥ ours: nothing to do. */
  | { status: 'skipped'; winning: number; appId: string; appVersion: number; reason: string }
  | { status: 'conflict'; winning: number; reason: string }
  /** Nothing committed, and running the same write again may well succeed (busy table, I/O error). */
  | { status: 'retryable'; cause: unknown };

export interface CommitOptions {
  signal?: AbortSignal;
  /** Versions to try before giving up as 'retryable' (default 100). */
  maxAttempts?: number;
  /** The clock, for tests. */
  now?: () => number;
  /** Waits between attempts, for tests; default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Called when a version was taken by another writer and we move on, for logs and tests. */
  onRetry?: (info: { version: number; winners: readonly WinningCommit[] }) => void;
}

export const DEFAULT_MAX_ATTEMPTS = 100;

export function commitPath(version: number): string {
  return `${LOG_DIR}/${commitFileName(version)}`;
}

/** Writes `tx` as the next version of the table, re-checking and retrying past concurrent winners. */
export async function commitTransaction(
  table: DeltaTable,
  tx: Transaction,
  opts: CommitOptions = {},
): Promise<CommitResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  let version = tx.readVersion + 1;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (opts.signal?.aborted)
      throw new CancelledError(
        `The write to ${tx.table} was cancelled before it committed; nothing changed.`,
      );
    try {
      const t = now();
      const ict = tx.inCommitTimestamps ? await nextInCommitTimestamp(table, version, t) : undefined;
      const actions = transactionActions(
        tx,
        ict === undefined ? { now: t } : { now: t, inCommitTimestamp: ict },
      );
      await table.storage.putIfAbsent(commitPath(version), serializeCommit(actions));
      return { status: 'committed', version, attempts: attempt };
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) {
        if (await landedAnyway(table, version, tx))
          return { status: 'committed', version, attempts: attempt };
        return { status: 'retryable', cause: err };
      }
    }
    const winners = await readWinners(table, version);
    for (const w of winners) {
      const outcome = checkWinner(tx, w);
      if (outcome.kind === 'conflict')
        return { status: 'conflict', winning: w.version, reason: outcome.reason };
      if (outcome.kind === 'skip') {
        return {
          status: 'skipped',
          winning: w.version,
          appId: outcome.appId,
          appVersion: outcome.appVersion,
          reason: outcome.reason,
        };
      }
    }
    opts.onRetry?.({ version, winners });
    // No winner readable (deleted under us?): the same version is tried again.
    version += winners.length;
    await sleep(backoffMs(attempt));
  }
  return {
    status: 'retryable',
    cause: new Error(
      `${tx.table} is busy: ${maxAttempts} versions in a row were taken by other writers. Run the write again.`,
    ),
  };
}

/** The commits from `from` on that exist now (the ones that beat us, and any that landed since). */
async function readWinners(table: DeltaTable, from: number): Promise<WinningCommit[]> {
  const out: WinningCommit[] = [];
  for (let v = from; ; v++) {
    try {
      out.push({ version: v, actions: await readCommit(table, commitPath(v)) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
  }
}

/**
 * After an unexpected storage error the commit may still have landed (a
 * failure after the link, a network share replying late): it did when the
 * file at `version` carries our txnId.
 */
async function landedAnyway(table: DeltaTable, version: number, tx: Transaction): Promise<boolean> {
  try {
    const actions = await readCommit(table, commitPath(version));
    return actions.some(
      (a) =>
        'commitInfo' in a && a.commitInfo.txnId !== undefined && a.commitInfo.txnId === tx.commitInfo.txnId,
    );
  } catch {
    return false;
  }
}

/** In-Commit Timestamps: the later of now and one millisecond after the previous commit's. */
async function nextInCommitTimestamp(table: DeltaTable, version: number, now: number): Promise<number> {
  if (version === 0) return now;
  try {
    const actions = await readCommit(table, commitPath(version - 1));
    for (const a of actions) {
      if ('commitInfo' in a) {
        const info: CommitInfo = a.commitInfo;
        if (typeof info.inCommitTimestamp === 'number') return Math.max(now, info.inCommitTimestamp + 1);
      }
    }
  } catch {
    // The previous commit was cleaned up (log retention) or never had one: now is all we know.
  }
  return now;
}

/**
 * Full jitter over a small, growing window (≤ 100 ms). The winners were just
 * read, so the next version is usually free at once; a long sleep would only
 * hand more versions to a fast writer and starve this one.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(100, 2 ** Math.min(attempt, 7));
  return Math.floor(random() * cap);
}
