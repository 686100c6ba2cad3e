// Pipeline runs as they cross boundaries: partition states, planned tasks and
// progress events. Plain data, shared by the runner, the CLI and the UI.

export type PartitionStatus = 'done' | 'stale' | 'missing' | 'failed' | 'running';

export type TaskReason = 'missing' | 'stale' | 'failed' | 'requested';

/** One unit of work: a model's partition (a day), or a whole table model (partition null). */
export interface PlannedTask {
  model: string;
  partition: string | null;
  reason: TaskReason;
}

export interface RunPlan {
  tasks: PlannedTask[];
  /** Per model: how many partitions are done, stale, missing, failed. */
  summary: Record<string, Record<PartitionStatus, number>>;
}

export type TaskPhase =
  'queued' | 'reading' | 'testing' | 'writing' | 'done' | 'failed' | 'skipped' | 'cancelled';

export interface TestResult {
  test: string;
  severity: 'error' | 'warn';
  failures: number;
  outcome: 'pass' | 'warn' | 'fail';
  sample?: unknown[][];
}

export interface TaskProgress {
  runId: string;
  model: string;
  partition: string | null;
  phase: TaskPhase;
  rows?: number;
  elapsedMs: number;
  message?: string;
  /** Tasks finished (any outcome) and total, for a progress bar. */
  completed: number;
  total: number;
}

export interface RunSummary {
  runId: string;
  status: 'done' | 'failed' | 'cancelled';
  tasks: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
  rows: number;
  quarantined: number;
  elapsedMs: number;
  failures: { model: string; partition: string | null; error: string }[];
}
