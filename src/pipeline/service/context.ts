// What every group of service handlers gets: the open lake (with its two
// engines), the event emitter, the secret store and a registry for background
// jobs. Handlers live in one file per namespace (lake, catalog, query, pipeline,
// publish …) and are combined in service.ts into the full method table.

import type { ArgsOf, EventOf, ResultOf, ServiceEvent, ServiceMethod } from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import type { EngineClient } from '../engine/client';
import type { ExploreSession } from '../lake/explore';
import type { Lake } from '../lake/lake';

/** An open lake: its config, the sandboxed editor session and the pipeline engine. */
export interface OpenLake {
  readonly lake: Lake;
  /** The sandboxed explore session (SQL editor, catalog views, time travel). */
  readonly explore: ExploreSession;
  /** The unsandboxed pipeline engine: runs, publishing, exports. Shared by background jobs. */
  readonly pipeline: EngineClient;
}

/**
 * Where passwords of publish targets come from. The desktop app keeps them with Electron
 * safeStorage; the CLI and `lakehouse serve` read the environment variable the target names
 * (and `serve` keeps a password set through the UI in memory only).
 */
export interface SecretStore {
  /** Human-readable kind, for messages ("Electron safeStorage", "environment"). */
  readonly kind: string;
  get(target: string, envVar: string | null): Promise<string | null>;
  /** Stores a secret; false when this store cannot persist it. */
  set(target: string, secret: string): Promise<boolean>;
}

/** A job running in the background (a pipeline run, a publish): cancellable, awaited on close. */
export interface BackgroundJob {
  readonly id: string;
  cancel(): void;
  readonly done: Promise<unknown>;
}

export interface ServiceContext {
  /** The open lake; throws a USAGE error that says to open one when none is. */
  current(): OpenLake;
  emit<E extends ServiceEvent>(event: E, payload: EventOf<E>): void;
  readonly secrets: SecretStore;
  /** Registers a background job; closing the lake or the service cancels and awaits it. */
  track(job: BackgroundJob): Disposable;
  /** A tracked job by id, to cancel it. */
  job(id: string): BackgroundJob | undefined;
}

export type Handler<M extends ServiceMethod> = (args: ArgsOf<M>, ctx: ServiceContext) => Promise<ResultOf<M>>;

/** A group of handlers for some methods; service.ts requires the groups to cover every method. */
export type Handlers<M extends ServiceMethod> = { [K in M]: Handler<K> };
