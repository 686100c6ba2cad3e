// The Workbench service contract: every capability the UI and the CLI use, as
// one keyed map `method → { args, result }` plus one map of push events. The
// IPC channels, the preload allow-list, the HTTP routes and the argument
// validators (contract-schema.ts) are all derived from these maps, so a method
// cannot exist on one door and not another. Everything here is plain data.

import type { Disposable } from './disposable';
import type { ColumnInfo, CellValue, QueryProgress, QueryResult, ResultPage } from './query';
import type { PartitionStatus, RunPlan, RunSummary, TaskProgress, TestResult } from './runs';

// ---------------------------------------------------------------- lake & catalog

export interface LakeInfo {
  /** Absolute path of the lake folder. */
  path: string;
  /** `name` from lakehouse.yml. */
  name: string;
  startDate: string;
  timezone: string;
  /** Problems found while opening (a broken table, a model that does not parse); the lake still opens. */
  problems: LakeProblem[];
}

export interface LakeProblem {
  /** What is broken: a table (`schema.name`), a file path or a model name. */
  subject: string;
  message: string;
}

export interface SourceSummary {
  name: string;
  format: string;
  /** Raw files in hot (raw/) and cold (archive/) storage. */
  files: number;
  bytes: number;
  /** Arrival days with at least one file. */
  days: number;
  firstDay: string | null;
  lastDay: string | null;
  columns: { name: string; type: string }[];
}

export interface TableSummary {
  /** The SQL schema (layer folder, or `workbench` for _workbench/). */
  schema: string;
  name: string;
  kind: 'delta' | 'parquet' | 'view';
  /** Current Delta version; null for Parquet folders and views. */
  version: number | null;
  rows: number | null;
  partitions: number | null;
  partitionColumns: string[];
  sizeBytes: number | null;
  /** ISO time of the last commit, when known. */
  lastModified: string | null;
  /** The model that builds this table, if any. */
  model: string | null;
}

export interface CatalogSnapshot {
  lake: LakeInfo;
  sources: SourceSummary[];
  tables: TableSummary[];
}

export interface TableColumn extends ColumnInfo {
  nullable: boolean;
  description: string | null;
}

export interface TablePartition {
  /** Partition column → value, as text (null for a null partition value). */
  values: Record<string, string | null>;
  files: number;
  rows: number | null;
  bytes: number;
  /** The pipeline's state for this partition when the table is a partitioned model. */
  status: PartitionStatus | null;
}

export interface TableDetail extends TableSummary {
  /** The version described (the current one unless a version was asked for). */
  describedVersion: number | null;
  columns: TableColumn[];
  partitionList: TablePartition[];
  properties: Record<string, string>;
  description: string | null;
}

export interface HistoryEntry {
  version: number;
  /** ISO time of the commit. */
  timestamp: string;
  operation: string;
  parameters: Record<string, string>;
  metrics: Record<string, string>;
}

export interface ColumnProfile {
  name: string;
  type: string;
  rows: number;
  nullPercent: number;
  distinct: number;
  min: CellValue;
  max: CellValue;
  /** Up to 20 buckets: numeric/date ranges, or the most frequent values for text. */
  histogram: { label: string; count: number }[];
}

/** What the SQL editor completes: the live catalog plus DuckDB's functions and keywords. */
export interface CompletionCatalog {
  schemas: string[];
  tables: { schema: string; name: string; columns: { name: string; type: string }[] }[];
  functions: { name: string; kind: 'scalar' | 'aggregate' | 'table' | 'macro'; signature: string }[];
  keywords: string[];
}

// ---------------------------------------------------------------- queries

export interface QueryHistoryEntry {
  sql: string;
  /** ISO time the query was run. */
  ranAt: string;
  elapsedMs: number;
  rows: number | null;
  error: string | null;
}

export interface SavedQuery {
  name: string;
  sql: string;
  savedAt: string;
}

export type ExportFormat = 'csv' | 'parquet';

export interface ExportResult {
  /** Absolute path of the written file. */
  path: string;
  rows: number;
  bytes: number;
  elapsedMs: number;
  /** A path relative to the served lake for download in browser mode (`/files/<downloadPath>`). */
  downloadPath: string | null;
}

// ---------------------------------------------------------------- pipeline

export interface ModelNode {
  name: string;
  materialized: 'partitioned' | 'table' | 'view';
  lookbackDays: number;
  description: string | null;
  /** The model file, relative to the lake. */
  file: string;
  /** The table it writes, `schema.name`; null for views. */
  table: string | null;
  tests: number;
}

export interface ModelGraph {
  sources: string[];
  models: ModelNode[];
  /** `from` is `source:<name>` or a model name; `to` is a model name. */
  edges: { from: string; to: string }[];
}

export interface PartitionGrid {
  /** Days shown, ascending (inclusive range). */
  days: string[];
  models: {
    name: string;
    materialized: ModelNode['materialized'];
    /** Partitioned models: one status per day, aligned with `days`. Others: empty. */
    cells: PartitionStatus[];
    /** Table models: the whole table's status; partitioned models: null. */
    whole: PartitionStatus | null;
  }[];
}

export interface PartitionDetail {
  model: string;
  partition: string | null;
  status: PartitionStatus;
  rows: number | null;
  quarantined: number | null;
  outputVersion: number | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  tests: TestResult[];
  /** Why it is stale or missing, in words. */
  reason: string | null;
  runs: RunRecord[];
}

/** What to run: the data form of the runner's request (dates inclusive, as a user gives them). */
export interface RunRequestData {
  kind: 'run' | 'backfill';
  models?: string[];
  withDownstream?: boolean;
  from?: string;
  to?: string;
  concurrency?: number;
}

/** A plan as the service returns it: the partition tasks, plus the raw days a run re-checks for bad lines. */
export interface PipelinePlan extends RunPlan {
  /** Raw arrival days whose files are new or changed: their bad lines are (re)recorded in quarantine. */
  ingest: { source: string; day: string }[];
}

export interface RunRecord {
  runId: string;
  kind: string;
  status: 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  elapsedMs: number | null;
  tasks: number | null;
  succeeded: number | null;
  failed: number | null;
  skipped: number | null;
  rows: number | null;
  quarantined: number | null;
  error: string | null;
  /** The request in words, e.g. "backfill fct_daily_club_activity 2024-05-01…2024-05-03". */
  request: string;
}

export interface ResumableRun {
  runId: string;
  startedAt: string;
  status: string;
  request: RunRequestData;
}

export interface WorkbenchSettings {
  engine: { threads: number; memoryLimit: string | null };
  /** Run stale partitions automatically when new raw files land. */
  autoRun: boolean;
}

// ---------------------------------------------------------------- publishing

/** 'sql' is a user and password (SQL Server login, or a PostgreSQL role). */
export type PublishAuthKind = 'sql' | 'ntlm' | 'azure-ad-password' | 'azure-ad-default';

export interface PublishTargetInfo {
  name: string;
  kind: 'sqlserver' | 'postgres';
  server: string;
  port: number;
  database: string;
  schema: string;
  auth: PublishAuthKind;
  user: string | null;
  /** Whether a password is available (saved secret or environment variable). */
  hasPassword: boolean;
  /** The environment variable the CLI reads the password from. */
  passwordEnv: string | null;
  tables: { table: string; target: string; primaryKey: string[]; columns: string[] | null }[];
}

export interface PublishRequest {
  target: string;
  /** `schema.name` of the Delta table, or the configured table name. */
  table: string;
  from?: string;
  to?: string;
  dryRun?: boolean;
}

export interface PublishPlanPartition {
  partition: string | null;
  version: number;
  rows: number;
  /** Skipped because this Delta version was already published. */
  skip: boolean;
}

export interface PublishPreview {
  target: string;
  table: string;
  targetTable: string;
  /** The DDL that would run (create or alter), and the per-partition swap statements. */
  statements: string[];
  partitions: PublishPlanPartition[];
}

export interface PublishProgress {
  publishId: string;
  target: string;
  table: string;
  partition: string | null;
  phase: 'loading' | 'swapping' | 'done' | 'skipped' | 'failed' | 'retrying';
  rows: number;
  completed: number;
  total: number;
  message?: string;
}

export interface PublishSummary {
  publishId: string;
  target: string;
  table: string;
  status: 'done' | 'failed' | 'cancelled';
  published: number;
  skipped: number;
  failed: number;
  rows: number;
  elapsedMs: number;
  error: string | null;
}

export interface PublishLedgerEntry {
  target: string;
  table: string;
  targetTable: string;
  partition: string | null;
  version: number;
  rows: number;
  /** 'skipped': this partition's Delta version was already published, nothing was sent. */
  status: 'done' | 'failed' | 'skipped';
  publishedAt: string;
  publishId: string;
  error: string | null;
}

// ---------------------------------------------------------------- the method map

export interface ServiceMethods {
  'lake.open': { args: { path: string }; result: LakeInfo };
  /** The open lake, or null before one is opened. */
  'lake.current': { args: Record<string, never>; result: LakeInfo | null };
  /** Creates a sample lake at `path` (generated raw data, models) and opens it. */
  'lake.createSample': { args: { path: string; days?: number; eventsPerDay?: number }; result: LakeInfo };

  'catalog.list': { args: Record<string, never>; result: CatalogSnapshot };
  'catalog.completions': { args: Record<string, never>; result: CompletionCatalog };

  'table.describe': { args: { table: string; version?: number }; result: TableDetail };
  'table.history': { args: { table: string; limit?: number }; result: HistoryEntry[] };
  /** Profiles every column; `queryId` (chosen by the caller) lets `query.cancel` stop it. */
  'table.profile': { args: { table: string; version?: number; queryId?: string }; result: ColumnProfile[] };

  /** Runs a script; `queryId` (chosen by the caller) lets `query.cancel` stop it. */
  'query.run': { args: { sql: string; queryId: string; pageSize?: number }; result: QueryResult };
  'query.fetch': { args: { resultId: string; offset: number; limit: number }; result: ResultPage };
  /** Re-orders a kept result by one column; returns the first page of the sorted result. */
  'query.sort': {
    args: { resultId: string; column: string; direction: 'asc' | 'desc'; pageSize?: number };
    result: QueryResult;
  };
  'query.release': { args: { resultId: string }; result: { released: boolean } };
  /**
   * Stops what runs under this id: a `query.run` with this queryId, a `query.export` whose
   * exportId equals it (no file is left behind), or a `table.profile` called with this queryId.
   */
  'query.cancel': { args: { queryId: string }; result: { cancelled: boolean } };
  /**
   * Writes a whole kept result to a file; progress comes as `onDidProgressExport`.
   * `query.cancel({ queryId: exportId })` stops it.
   */
  'query.export': {
    args: { resultId: string; format: ExportFormat; exportId: string; path?: string };
    result: ExportResult;
  };
  'query.history': { args: { limit?: number }; result: QueryHistoryEntry[] };
  'query.saved': { args: Record<string, never>; result: SavedQuery[] };
  'query.save': { args: { name: string; sql: string }; result: SavedQuery[] };
  'query.deleteSaved': { args: { name: string }; result: SavedQuery[] };

  'pipeline.graph': { args: Record<string, never>; result: ModelGraph };
  'pipeline.status': { args: { from?: string; to?: string }; result: PartitionGrid };
  'pipeline.partition': { args: { model: string; partition: string | null }; result: PartitionDetail };
  /** What a request would run and why; executes nothing. */
  'pipeline.plan': { args: RunRequestData; result: PipelinePlan };
  /** Starts a run in the background; progress comes as events. */
  'pipeline.start': { args: RunRequestData; result: { runId: string } };
  'pipeline.cancel': { args: { runId: string }; result: { cancelled: boolean } };
  /** The last backfill that did not finish, if any. */
  'pipeline.resumable': { args: Record<string, never>; result: ResumableRun | null };
  'pipeline.resume': { args: { runId: string }; result: { runId: string } };

  'runs.list': { args: { limit?: number }; result: RunRecord[] };

  'settings.get': { args: Record<string, never>; result: WorkbenchSettings };
  'settings.update': {
    args: { engine?: { threads?: number; memoryLimit?: string | null }; autoRun?: boolean };
    result: WorkbenchSettings;
  };

  'publish.targets': { args: Record<string, never>; result: PublishTargetInfo[] };
  'publish.test': {
    args: { target: string };
    result: { ok: boolean; serverVersion: string | null; message: string };
  };
  'publish.preview': { args: PublishRequest; result: PublishPreview };
  'publish.start': { args: PublishRequest; result: { publishId: string } };
  'publish.cancel': { args: { publishId: string }; result: { cancelled: boolean } };
  'publish.history': {
    args: { target?: string; table?: string; limit?: number };
    result: PublishLedgerEntry[];
  };
  /** Saves a target's password with the host's secret store (Electron: safeStorage). */
  'publish.setPassword': { args: { target: string; password: string }; result: { saved: boolean } };
}

export type ServiceMethod = keyof ServiceMethods;
export type ArgsOf<M extends ServiceMethod> = ServiceMethods[M]['args'];
export type ResultOf<M extends ServiceMethod> = ServiceMethods[M]['result'];

// ---------------------------------------------------------------- events

export interface LakeChange {
  reason: 'opened' | 'raw' | 'run' | 'settings' | 'publish';
  /** `schema.name` of tables that changed, when known. */
  tables: string[];
  /** Raw sources with new or changed files. */
  sources: string[];
}

export interface ServiceEvents {
  onDidChangeLake: LakeChange;
  onDidProgressRun: TaskProgress;
  onDidFinishRun: RunSummary & { kind: 'run' | 'backfill' };
  onDidProgressQuery: { queryId: string; progress: QueryProgress };
  onDidProgressExport: { exportId: string; rows: number; totalRows: number };
  onDidProgressPublish: PublishProgress;
  onDidFinishPublish: PublishSummary;
  onDidLog: { level: 'info' | 'warn' | 'error'; message: string; time: string };
}

export type ServiceEvent = keyof ServiceEvents;
export type EventOf<E extends ServiceEvent> = ServiceEvents[E];

/** The service as every door sees it: one async function per method, and event subscriptions. */
export type ServiceCalls = { [M in ServiceMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> };

export interface ServiceEventSource {
  on<E extends ServiceEvent>(event: E, listener: (payload: EventOf<E>) => void): Disposable;
}

export interface WorkbenchService extends ServiceEventSource, Disposable {
  call<M extends ServiceMethod>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>;
}

// ---------------------------------------------------------------- derived names

/** Every method, as a runtime list (the preload allow-list and the HTTP routes come from it). */
export const SERVICE_METHODS = [
  'lake.open',
  'lake.current',
  'lake.createSample',
  'catalog.list',
  'catalog.completions',
  'table.describe',
  'table.history',
  'table.profile',
  'query.run',
  'query.fetch',
  'query.sort',
  'query.release',
  'query.cancel',
  'query.export',
  'query.history',
  'query.saved',
  'query.save',
  'query.deleteSaved',
  'pipeline.graph',
  'pipeline.status',
  'pipeline.partition',
  'pipeline.plan',
  'pipeline.start',
  'pipeline.cancel',
  'pipeline.resumable',
  'pipeline.resume',
  'runs.list',
  'settings.get',
  'settings.update',
  'publish.targets',
  'publish.test',
  'publish.preview',
  'publish.start',
  'publish.cancel',
  'publish.history',
  'publish.setPassword',
] as const satisfies readonly ServiceMethod[];

// A method missing from the list above fails here.
type MissingMethod = Exclude<ServiceMethod, (typeof SERVICE_METHODS)[number]>;
const _everyMethodListed: MissingMethod extends never ? true : MissingMethod = true;
void _everyMethodListed;

export const SERVICE_EVENTS = [
  'onDidChangeLake',
  'onDidProgressRun',
  'onDidFinishRun',
  'onDidProgressQuery',
  'onDidProgressExport',
  'onDidProgressPublish',
  'onDidFinishPublish',
  'onDidLog',
] as const satisfies readonly ServiceEvent[];

type MissingEvent = Exclude<ServiceEvent, (typeof SERVICE_EVENTS)[number]>;
const _everyEventListed: MissingEvent extends never ? true : MissingEvent = true;
void _everyEventListed;

export function isServiceMethod(value: unknown): value is ServiceMethod {
  return typeof value === 'string' && (SERVICE_METHODS as readonly string[]).includes(value);
}

export function isServiceEvent(value: unknown): value is ServiceEvent {
  return typeof value === 'string' && (SERVICE_EVENTS as readonly string[]).includes(value);
}

/** The IPC channel of a method (`lh:query.run`); events all travel on EVENT_CHANNEL. */
export const channelOf = (method: ServiceMethod): `lh:${ServiceMethod}` => `lh:${method}`;
export const EVENT_CHANNEL = 'lh:event';

/** The HTTP route of a method in browser mode: `POST /api/query.run` with the args as JSON. */
export const routeOf = (method: ServiceMethod): `/api/${ServiceMethod}` => `/api/${method}`;
/** The WebSocket path that carries events in browser mode. */
export const EVENTS_PATH = '/events';
/** The header (HTTP) and query parameter (WebSocket, page URL) that carry the session token. */
export const TOKEN_HEADER = 'x-lakehouse-token';
export const TOKEN_PARAM = 'token';

/** A pushed event as it travels (IPC payload or WebSocket message). */
export interface EventMessage<E extends ServiceEvent = ServiceEvent> {
  event: E;
  payload: EventOf<E>;
}
