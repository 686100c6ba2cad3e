// The Workbench service: implements the contract in src/shared/contract.ts for
// every door (Electron IPC, `lakehouse serve`, the CLI in-process). It holds at
// most one open lake, an event emitter and the background jobs; the methods
// live in one handler group per namespace under service/, combined here into a
// table that must cover every method. Arguments are validated on every call and
// every failure leaves as a PipelineError (unknown errors become INTERNAL).

import type {
  ArgsOf,
  EventOf,
  ResultOf,
  ServiceEvent,
  ServiceMethod,
  WorkbenchService,
} from '../shared/contract';
import { isServiceMethod } from '../shared/contract';
import { validateArgs } from '../shared/contract-schema';
import type { Disposable } from '../shared/disposable';
import { isWireError } from '../shared/errors';
import { toDisposable } from '../shared/disposable';
import { fromWire, PipelineError, toWire, UsageError } from './errors';
import { openLake } from './lake/lake';
import { catalogHandlers } from './service/catalog-methods';
import type { BackgroundJob, Handler, Handlers, SecretStore, ServiceContext } from './service/context';
import { lakeHandlers, openLakeSession } from './service/lake-methods';
import { pipelineHandlers } from './service/pipeline-methods';
import { publishHandlers } from './service/publish-methods';
import { queryHandlers } from './service/query-methods';
import type { LakeSession } from './service/session';
import { settingsHandlers } from './service/settings-methods';
import { tableHandlers } from './service/table-methods';

export interface WorkbenchServiceOptions {
  /** Where publish passwords come from; default: environment variables only. */
  secrets?: SecretStore;
  /** Watch raw/ and run the lakehouse.yml schedule while a lake is open (default true). */
  watch?: boolean;
}

/** Reads the environment variable a target names; a password set at run time is kept in memory only. */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): SecretStore {
  const memory = new Map<string, string>();
  return {
    kind: 'environment',
    get: (target, envVar) => Promise.resolve(memory.get(target) ?? (envVar ? (env[envVar] ?? null) : null)),
    set: (target, secret) => {
      memory.set(target, secret);
      return Promise.resolve(false);
    },
  };
}

type AnyListener = (payload: never) => void;

export function createWorkbenchService(options: WorkbenchServiceOptions = {}): WorkbenchService {
  const listeners = new Map<ServiceEvent, Set<AnyListener>>();
  const jobs = new Map<string, BackgroundJob>();
  let session: LakeSession | null = null;
  let opening: Promise<unknown> = Promise.resolve();
  let disposed = false;

  const emit = <E extends ServiceEvent>(event: E, payload: EventOf<E>): void => {
    for (const l of [...(listeners.get(event) ?? [])]) {
      try {
        (l as (p: EventOf<E>) => void)(payload);
      } catch {
        // A failing listener must not break the emitter or the other listeners.
      }
    }
  };

  const ctx: ServiceContext = {
    current: () => {
      if (!session || session.isClosed)
        throw new UsageError('No lake is open: open a lake folder first (lake.open).');
      return session;
    },
    emit,
    secrets: options.secrets ?? environmentSecrets(),
    track: (job) => {
      jobs.set(job.id, job);
      return toDisposable(() => {
        if (jobs.get(job.id) === job) jobs.delete(job.id);
      });
    },
    job: (id) => jobs.get(id),
  };

  const closeCurrent = async (): Promise<void> => {
    const s = session;
    session = null;
    const running = [...jobs.values()];
    for (const j of running) j.cancel();
    await Promise.allSettled(running.map((j) => j.done));
    jobs.clear();
    await s?.close();
  };

  const host = {
    current: () => (session && !session.isClosed ? session : null),
    /** Opens a lake, closing the previous one first; one open at a time. */
    open: (dir: string): Promise<LakeSession> => {
      const next = opening.then(async () => {
        if (disposed) throw new UsageError('The service is closed.');
        // A folder that is not a lake (or has a broken config) leaves the open lake open.
        openLake(dir);
        await closeCurrent();
        session = await openLakeSession(dir, ctx, { watch: options.watch !== false });
        return session;
      });
      opening = next.catch(() => undefined);
      return next;
    },
  };

  const handlers: Handlers<ServiceMethod> = {
    ...lakeHandlers(host),
    ...catalogHandlers,
    ...tableHandlers,
    ...queryHandlers,
    ...pipelineHandlers,
    ...settingsHandlers,
    ...publishHandlers,
  };

  return {
    async call<M extends ServiceMethod>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      if (!isServiceMethod(method)) throw new UsageError(`Unknown service method '${String(method)}'.`);
      const handler: Handler<M> = handlers[method];
      const checked = validateArgs(method, args);
      if (!checked.ok) throw fromWire(checked.error);
      try {
        return await handler(checked.value, ctx);
      } catch (err) {
        throw asPipelineError(err);
      }
    },
    on<E extends ServiceEvent>(event: E, listener: (payload: EventOf<E>) => void): Disposable {
      const set = listeners.get(event) ?? new Set<AnyListener>();
      listeners.set(event, set);
      const l = listener as AnyListener;
      set.add(l);
      return toDisposable(() => {
        set.delete(l);
      });
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await opening.catch(() => undefined);
      await closeCurrent();
      listeners.clear();
    },
  };
}

/** Wire errors keep their code; anything else becomes INTERNAL with its message. */
function asPipelineError(err: unknown): PipelineError {
  if (err instanceof PipelineError) return err;
  if (isWireError(err)) return fromWire(err);
  const wire = toWire(err);
  return new PipelineError('INTERNAL', wire.message || 'An unexpected error happened.', undefined, {
    cause: err,
  });
}
