// Decides what a commit that won a version race means for ours (the logical
// conflict check of optimistic concurrency). Each rule is a small function
// that returns null when it has no objection; the first objection wins. A
// winner that only touched what our transaction did not read lets us retry at
// the next version; a winner that recorded our app's txn means our work is done.

import { decodePath } from './actions';
import type { CommitInfo, DeltaAction } from './actions';
import { inScope, partitionLabel } from './transaction';
import type { Transaction } from './transaction';

export interface WinningCommit {
  version: number;
  actions: readonly DeltaAction[];
}

export type CheckOutcome =
  | { kind: 'ok' }
  | { kind: 'conflict'; reason: string }
  /** The winner committed our app's txn at this or a later version: do not commit again. */
  | { kind: 'skip'; appId: string; appVersion: number; reason: string };

type Check = (tx: Transaction, winner: WinningCommit) => CheckOutcome | null;

/** Runs every check of `tx` against one winning commit, in order. */
export function checkWinner(tx: Transaction, winner: WinningCommit): CheckOutcome {
  for (const check of CHECKS) {
    const outcome = check(tx, winner);
    if (outcome) return outcome;
  }
  return { kind: 'ok' };
}

/** Same appId in the winner: a retried run that already landed is skipped; another run of the app is a conflict. */
export const checkAppTransaction: Check = (tx, winner) => {
  if (!tx.txn) return null;
  const ours = tx.txn;
  for (const a of winner.actions) {
    if (!('txn' in a) || a.txn.appId !== ours.appId) continue;
    if (a.txn.version >= ours.version) {
      return {
        kind: 'skip',
        appId: ours.appId,
        appVersion: a.txn.version,
        reason: `${tx.table}: run ${ours.appId} version ${a.txn.version} was committed by another writer at table version ${winner.version}; this attempt is not needed.`,
      };
    }
    return conflict(
      tx,
      winner,
      `another run of ${ours.appId} (its version ${a.txn.version}) committed at the same time`,
    );
  }
  return null;
};

/** Two writers creating the same table: the loser must check its schema against the winner's. */
export const checkTableCreated: Check = (tx, winner) =>
  tx.readVersion < 0
    ? conflict(tx, winner, 'another writer created the table at the same time; run again to write into it')
    : null;

export const checkProtocolChanged: Check = (tx, winner) =>
  winner.actions.some((a) => 'protocol' in a)
    ? conflict(
        tx,
        winner,
        'another writer changed the table protocol (its reader/writer features) at the same time; run again so the write is checked against it',
      )
    : null;

export const checkMetadataChanged: Check = (tx, winner) =>
  winner.actions.some((a) => 'metaData' in a)
    ? conflict(
        tx,
        winner,
        'another writer changed the table schema, partitioning or properties at the same time; run again so the query is checked against the new schema',
      )
    : null;

/** A file added to or removed from what we read (a partition we replace, or any file for an overwrite). */
export const checkFilesInReadScope: Check = (tx, winner) => {
  for (const a of winner.actions) {
    const change =
      'add' in a
        ? { verb: 'wrote', values: a.add.partitionValues }
        : 'remove' in a
          ? { verb: 'replaced', values: a.remove.partitionValues }
          : null;
    if (!change || !inScope(tx.scope, change.values, tx.partitionColumns)) continue;
    if (tx.scope.kind === 'table') {
      return conflict(
        tx,
        winner,
        `another writer ${change.verb} data in the table while this overwrite was running; run again`,
      );
    }
    return conflict(
      tx,
      winner,
      `another run ${change.verb} partition ${partitionLabel(change.values, tx.partitionColumns)} at the same time; run again`,
    );
  }
  return null;
};

/** A file we remove that the winner already removed (compaction, delete): our remove would be stale. */
export const checkConcurrentRemove: Check = (tx, winner) => {
  if (tx.removes.length === 0) return null;
  const ours = new Set(tx.removes.map((r) => decodePath(r.path)));
  for (const a of winner.actions) {
    if ('remove' in a && ours.has(decodePath(a.remove.path))) {
      return conflict(
        tx,
        winner,
        `another writer already removed ${decodePath(a.remove.path)}, which this write replaces; run again`,
      );
    }
  }
  return null;
};

const CHECKS: readonly Check[] = [
  checkAppTransaction,
  checkTableCreated,
  checkProtocolChanged,
  checkMetadataChanged,
  checkFilesInReadScope,
  checkConcurrentRemove,
];

function conflict(tx: Transaction, winner: WinningCommit, what: string): CheckOutcome {
  return {
    kind: 'conflict',
    reason: `${tx.table}: ${what} (version ${winner.version}${operationOf(winner)}).`,
  };
}

function operationOf(winner: WinningCommit): string {
  for (const a of winner.actions) {
    if ('commitInfo' in a) {
      const info: CommitInfo = a.commitInfo;
      if (typeof info.operation === 'string') return `, ${info.operation}`;
    }
  }
  return '';
}
