// The query.* methods: editor SQL through the explore session (time travel
// rewritten, sandboxed), results kept in the engine and fetched by pages,
// cancel by the caller's queryId (which also stops exports and profiles run under
// that id), re-sorting a kept result inside the engine, export, and the per-lake
// history and saved queries in `.workbench/`.

import type { QueryProgress, QueryResult } from '../../shared/query';
import { quoteIdent } from '../engine/sql';
import { NotFoundError, UsageError } from '../errors';
import type { Handlers } from './context';
import { exportResult, keptResultTable } from './query-export';
import type { LakeSession } from './session';
import { sessionOf } from './session';

type QueryMethod =
  | 'query.run'
  | 'query.fetch'
  | 'query.sort'
  | 'query.release'
  | 'query.cancel'
  | 'query.export'
  | 'query.history'
  | 'query.saved'
  | 'query.save'
  | 'query.deleteSaved';

/** Remembers a result's shape so sort and export know its columns and size. */
function remember(session: LakeSession, r: QueryResult): QueryResult {
  session.results.set(r.resultId, { columns: r.columns, totalRows: r.totalRows });
  // The engine keeps a handful of results; forget shapes of long-gone ones.
  while (session.results.size > 64) {
    const oldest = session.results.keys().next().value;
    if (oldest === undefined) break;
    session.results.delete(oldest);
  }
  return r;
}

/**
 * Runs `fn` under a cancellable id: `query.cancel` with that id aborts the signal it gets.
 * Ids are shared by queries, exports and profiles, so one id runs one thing at a time.
 */
export async function cancellable<T>(
  session: LakeSession,
  id: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (session.queries.has(id)) {
    throw new UsageError(
      `A query with id '${id}' is already running: cancel it or use a new id for each run.`,
    );
  }
  const controller = new AbortController();
  session.queries.set(id, controller);
  try {
    return await fn(controller.signal);
  } finally {
    if (session.queries.get(id) === controller) session.queries.delete(id);
  }
}

async function runQuery(
  session: LakeSession,
  args: { sql: string; queryId: string; pageSize?: number },
  emitProgress: (p: QueryProgress) => void,
): Promise<QueryResult> {
  if (session.queries.has(args.queryId)) {
    throw new UsageError(
      `A query with id '${args.queryId}' is already running: cancel it or use a new id for each run.`,
    );
  }
  const controller = new AbortController();
  session.queries.set(args.queryId, controller);
  const ranAt = new Date().toISOString();
  const t0 = Date.now();
  try {
    const result = await session.explore.query(args.sql, {
      signal: controller.signal,
      pageSize: args.pageSize ?? 500,
      onProgress: emitProgress,
    });
    await session.state
      .addHistory({ sql: args.sql, ranAt, elapsedMs: result.elapsedMs, rows: result.totalRows, error: null })
      .catch(() => undefined);
    return remember(session, result);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    await session.state
      .addHistory({ sql: args.sql, ranAt, elapsedMs: Date.now() - t0, rows: null, error })
      .catch(() => undefined);
    throw err;
  } finally {
    if (session.queries.get(args.queryId) === controller) session.queries.delete(args.queryId);
  }
}

async function sortResult(
  session: LakeSession,
  args: { resultId: string; column: string; direction: 'asc' | 'desc'; pageSize?: number },
): Promise<QueryResult> {
  const known = session.results.get(args.resultId);
  if (!known) {
    throw new NotFoundError(`Result ${args.resultId} is no longer kept: run the query again, then sort it.`);
  }
  if (!known.columns.some((c) => c.name === args.column)) {
    throw new NotFoundError(
      `The result has no column '${args.column}' (columns: ${known.columns.map((c) => c.name).join(', ')}).`,
    );
  }
  const dir = args.direction === 'desc' ? 'DESC' : 'ASC';
  // Ties keep the result's own order, so sorting is stable.
  const sql = `SELECT * FROM ${keptResultTable(args.resultId)} ORDER BY ${quoteIdent(args.column)} ${dir} NULLS LAST, rowid`;
  try {
    return remember(session, await session.explore.engine.query(sql, { pageSize: args.pageSize ?? 500 }));
  } catch (err) {
    if (err instanceof Error && /does not exist/i.test(err.message)) {
      throw new UsageError(
        `Result ${args.resultId} cannot be sorted: it is not kept as a table (statements such as PRAGMA or SHOW), or it was released. Sort it with ORDER BY in the query.`,
      );
    }
    throw err;
  }
}

export const queryHandlers: Handlers<QueryMethod> = {
  'query.run': (args, ctx) =>
    runQuery(sessionOf(ctx), args, (progress) =>
      ctx.emit('onDidProgressQuery', { queryId: args.queryId, progress }),
    ),
  'query.fetch': ({ resultId, offset, limit }, ctx) =>
    sessionOf(ctx).explore.engine.fetch(resultId, offset, limit),
  'query.sort': (args, ctx) => sortResult(sessionOf(ctx), args),
  'query.release': async ({ resultId }, ctx) => {
    const session = sessionOf(ctx);
    session.results.delete(resultId);
    return session.explore.engine.call('release', { resultId });
  },
  'query.cancel': ({ queryId }, ctx) => {
    const controller = sessionOf(ctx).queries.get(queryId);
    if (!controller || controller.signal.aborted) return Promise.resolve({ cancelled: false });
    controller.abort();
    return Promise.resolve({ cancelled: true });
  },
  'query.export': (args, ctx) => {
    const session = sessionOf(ctx);
    return cancellable(session, args.exportId, (signal) =>
      exportResult(
        session,
        args,
        (rows, totalRows) => ctx.emit('onDidProgressExport', { exportId: args.exportId, rows, totalRows }),
        signal,
      ),
    );
  },
  'query.history': ({ limit }, ctx) => Promise.resolve(sessionOf(ctx).state.history(limit)),
  'query.saved': (_args, ctx) => Promise.resolve(sessionOf(ctx).state.saved()),
  'query.save': ({ name, sql }, ctx) => sessionOf(ctx).state.save(name.trim(), sql),
  'query.deleteSaved': async ({ name }, ctx) => {
    const state = sessionOf(ctx).state;
    if (!(await state.deleteSaved(name))) throw new NotFoundError(`There is no saved query named '${name}'.`);
    return state.saved();
  },
};
