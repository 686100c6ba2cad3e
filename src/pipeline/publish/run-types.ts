// The options and results of a publish run (publish.ts): what a caller passes
// in (request, lake, engine, secrets, hooks, retry policy) and gets back (the
// summary of the contract plus each partition's outcome).

import type { PublishPreview, PublishProgress, PublishSummary } from '../../shared/contract';
import type { EngineClient } from '../engine/client';
import type { Lake } from '../lake/lake';
import type { SecretStore } from '../service/context';
import type { ConnectionSettings } from './connection';
import type { PublishPlan, PublishRequestOptions } from './plan';
import type { PublishAdapter } from './types';

export interface RetryPolicy {
  /** Attempts per partition, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 10_000 };

/** Test and tooling seams: observe (and slow down) a publish at its steps. */
export interface PublishHooks {
  /** After each chunk of CSV bytes is handed to the adapter. */
  onChunk?(info: { partition: string | null; attempt: number; bytes: number }): void | Promise<void>;
  beforeSwap?(info: { partition: string | null; attempt: number }): void | Promise<void>;
  onConnect?(adapter: PublishAdapter): void | Promise<void>;
}

export interface PublishRunOptions extends PublishRequestOptions {
  /** Plan and list the statements and row counts; connect to nothing, send nothing. */
  dryRun?: boolean;
  lake: Lake;
  engine: EngineClient;
  secrets: SecretStore;
  publishId?: string;
  signal?: AbortSignal;
  onProgress?(p: PublishProgress): void;
  retry?: Partial<RetryPolicy>;
  hooks?: PublishHooks;
  /** A plan made beforehand (planPublish with the same request), so errors in it surface before a job starts. */
  plan?: PublishPlan;
  /** Replaces the adapter (tests). */
  adapter?: (settings: ConnectionSettings) => PublishAdapter;
}

export interface PartitionOutcome {
  partition: string | null;
  version: number;
  status: 'done' | 'failed' | 'skipped';
  rows: number;
  deleted: number;
  attempts: number;
  error: string | null;
}

export interface PublishResult extends PublishSummary {
  targetTable: string;
  partitions: PartitionOutcome[];
  /** A dry run's statements and row counts (nothing was sent). */
  preview?: PublishPreview;
}
