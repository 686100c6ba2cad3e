// The Delta layer's public surface (re-exported by src/pipeline/index.ts as
// `deltaTools`): load, read, write and maintain a table.
export { loadSnapshot } from './load';
export { localTable } from './table';
export type { DeltaTable } from './table';
export type { Snapshot, SnapshotOptions } from './snapshot';
export { scanSql, readRows } from './scan';
export type { ScanOptions } from './scan';
export { summarize, liveFiles } from './table-info';
export type { SnapshotSummary } from './table-info';
export { tableHistory } from './history';
export type { HistoryEntry } from './history';
export { vacuum } from './vacuum';
export type { VacuumOptions, VacuumResult } from './vacuum';
export { writeCheckpoint } from './checkpoint-write';
export { writeDelta } from './write';
export type { WriteOptions, WriteResult } from './write';
export { optimize } from './optimize';
export type { OptimizeOptions, OptimizeResult } from './optimize';
export { requireCommitted } from './write';
