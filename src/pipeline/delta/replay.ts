// Log replay (PROTOCOL.md "Action Reconciliation"): commits newest first, then
// the checkpoint. A logical file is (path, deletion vector id); the newest
// action on a key decides it — an add makes it live, a remove a tombstone — so a
// RESTORE that re-adds a removed path and a DV swap inside one commit both work
// (in a valid log one commit never adds and removes the same key).
// protocol, metaData, txn and domainMetadata: the newest wins.

import { decodePath, fileKey } from './actions';
import type { Add, DeltaAction, DomainMetadata, Metadata, Protocol, Remove } from './actions';

export interface ReplayResult {
  protocol: Protocol | null;
  metadata: Metadata | null;
  files: Add[];
  tombstones: Remove[];
  appVersions: Map<string, number>;
  domains: Map<string, DomainMetadata>;
}

/** `batches` newest first: each is one commit's actions, the checkpoint's last. */
export function replay(batches: Iterable<readonly DeltaAction[]>): ReplayResult {
  let protocol: Protocol | null = null;
  let metadata: Metadata | null = null;
  const seen = new Set<string>();
  const files: Add[] = [];
  const tombstones: Remove[] = [];
  const appVersions = new Map<string, number>();
  const domains = new Map<string, DomainMetadata | null>();
  const claim = (path: string, dv: Add['deletionVector']): boolean => {
    const key = fileKey(decodePath(path), dv);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const actions of batches) {
    for (const action of actions) {
      if ('add' in action) {
        if (claim(action.add.path, action.add.deletionVector)) files.push(action.add);
      } else if ('remove' in action) {
        if (claim(action.remove.path, action.remove.deletionVector)) tombstones.push(action.remove);
      } else if ('protocol' in action) protocol ??= action.protocol;
      else if ('metaData' in action) metadata ??= action.metaData;
      else if ('txn' in action) {
        if (!appVersions.has(action.txn.appId)) appVersions.set(action.txn.appId, action.txn.version);
      } else if ('domainMetadata' in action) {
        const d = action.domainMetadata;
        if (!domains.has(d.domain)) domains.set(d.domain, d.removed ? null : d);
      }
    }
  }
  const live = new Map<string, DomainMetadata>();
  for (const [k, v] of domains) if (v) live.set(k, v);
  return { protocol, metadata, files, tombstones, appVersions, domains: live };
}
