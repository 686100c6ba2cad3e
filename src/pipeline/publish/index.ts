// The publisher's public surface (re-exported by src/pipeline/index.ts): plan,
// preview and run a publish of a lake table to a SQL Server or PostgreSQL target.
export { runPublish, DEFAULT_RETRY } from './publish';
export type {
  PublishHooks,
  PublishResult,
  PublishRunOptions,
  PartitionOutcome,
  RetryPolicy,
} from './publish';
export { planPublish, planStatements, previewOf } from './plan';
export type { PublishPlan, PublishRequestOptions } from './plan';
export {
  connectionSettings,
  createAdapter,
  targetConfig,
  targetInfo,
  targetsOf,
  needsPassword,
} from './targets';
export { ledgerHistory, ledgerTable } from './ledger';
export { PublishError } from './errors';
export { mapType, mappingTable, RefusedTypeError } from './type-map';
export type { PublishAdapter, TableSpec } from './types';
