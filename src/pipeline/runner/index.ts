// The runner's public surface: plan and execute runs and backfills, read state.
export { executePlanned, executeRun, lastUnfinishedBackfill, planRun } from './run';
export type { PlannedRun, RunOptions, UnfinishedBackfill } from './run';
export type { RunRequest } from './planner';
export { readState } from './state';
export type { StateRecord } from './state';
