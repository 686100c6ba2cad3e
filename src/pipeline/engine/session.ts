// One DuckDB instance and what it holds, living inside the engine worker: a pool
// of configured connections (each running request holds one, so it can be
// interrupted), and kept query results, one table each in an in-memory results
// database visible to every connection, fetched by pages.
// A script stops at the first failing or interrupted statement.

import fs from 'node:fs';
import { DuckDBInstance, StatementType, version as duckdbVersion } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBResultReader } from '@duckdb/node-api';
import type { CellValue, ColumnInfo, QueryResult, ResultPage } from '../../shared/query';
import { EngineError, NotFoundError, UsageError } from '../errors';
import { engineErrorFrom } from './duckdb-errors';
import { exportCopySql } from './export-sql';
import type { SqlOrigin } from './duckdb-errors';
import { ConnectionPool } from './pool';
import type { ArgsOf, EngineInfo, HandlerContext, ResultOf } from './protocol';
import { baseSettingsSql, CONNECTION_SQL, LOCK_SQL, sandboxSql } from './settings';
import { quoteQualified } from './sql';
import { splitStatements } from './statements';
import type { StatementSpan } from './statements';
import { columnInfos, toCells } from './values';

/** Statements the sandboxed explore instance refuses: they write files or load code. */
const SANDBOX_DENIED = new Map<StatementType, string>([
  [StatementType.COPY, 'COPY'],
  [StatementType.EXPORT, 'EXPORT DATABASE'],
  [StatementType.COPY_DATABASE, 'COPY FROM DATABASE'],
  [StatementType.ATTACH, 'ATTACH'],
  [StatementType.DETACH, 'DETACH'],
  [StatementType.LOAD, 'LOAD'],
  [StatementType.EXTENSION, 'INSTALL'],
  [StatementType.UPDATE_EXTENSIONS, 'UPDATE EXTENSIONS'],
]);

/** The in-memory database that holds kept results (it spills to the temp directory like any table). */
const RESULTS_DB = '__results';
/** Results kept at once; the oldest is released first (a UI keeps a handful of tabs). */
const MAX_KEPT_RESULTS = 16;
/** A last statement that cannot be kept as a table (PRAGMA, CALL, EXPLAIN …) is read into memory up to this. */
const MAX_INLINE_ROWS = 200_000;
const PROGRESS_INTERVAL_MS = 200;

interface KeptResult {
  /** The results-database table, or null when `rows` holds the result. */
  table: string | null;
  rows: CellValue[][] | null;
  columns: ColumnInfo[];
  total: number;
}

interface Running {
  conn: DuckDBConnection;
  interrupted: boolean;
}

interface PreparedScript {
  statements: number;
  last: { prepared: DuckDBPreparedStatement; span: StatementSpan | undefined; start: number };
}

export class EngineSession {
  private instance: DuckDBInstance | null = null;
  private pool: ConnectionPool | null = null;
  private sandboxed = false;
  /** preserve_insertion_order as DuckDB reports it: exports need no sort when it is on. */
  private keepsInsertionOrder = false;
  private readonly running = new Map<number, Running>();
  private readonly results = new Map<string, KeptResult>();
  private resultSeq = 0;

  async open(args: ArgsOf<'open'>): Promise<EngineInfo> {
    if (this.instance) throw new UsageError('The engine is already open.');
    // DuckDB creates the spill folder itself, but not its parents.
    fs.mkdirSync(args.settings.tempDirectory, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      for (const stmt of baseSettingsSql(args.settings, args.sandbox !== null)) await conn.run(stmt);
      await conn.run(`ATTACH ':memory:' AS ${RESULTS_DB}`);
      for (const stmt of args.setup) await conn.run(stmt);
      const conns: DuckDBConnection[] = [];
      for (let i = 0; i < Math.max(1, args.connections); i++) {
        const c = await instance.connect();
        for (const stmt of CONNECTION_SQL) await c.run(stmt);
        conns.push(c);
      }
      if (args.sandbox) {
        for (const stmt of sandboxSql(args.sandbox)) await conn.run(stmt);
        await conn.run(LOCK_SQL);
      }
      const reader = await conn.runAndReadAll(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'memory_limit', 'temp_directory', 'TimeZone', 'enable_external_access', 'lock_configuration', 'preserve_insertion_order')",
      );
      const settings: Record<string, string> = {};
      for (const [name, value] of reader.getRowsJson()) settings[String(name)] = String(value);
      this.instance = instance;
      this.pool = new ConnectionPool(conns);
      this.sandboxed = args.sandbox !== null;
      this.keepsInsertionOrder = settings['preserve_insertion_order'] === 'true';
      return { duckdbVersion: duckdbVersion(), settings };
    } catch (err) {
      throw engineErrorFrom(err, '');
    } finally {
      conn.closeSync();
    }
  }

  run(args: ArgsOf<'run'>, ctx: HandlerContext): Promise<ResultOf<'run'>> {
    return this.withConnection(ctx, async (conn) => {
      const { statements, last } = await this.prepareScript(conn, args.sql, ctx);
      await this.track(conn, ctx, args.sql, { start: last.start }, () => last.prepared.run());
      return { statements };
    });
  }

  read(args: ArgsOf<'read'>, ctx: HandlerContext): Promise<ResultOf<'read'>> {
    return this.withConnection(ctx, async (conn) => {
      const { last } = await this.prepareScript(conn, args.sql, ctx);
      const reader = await this.track(conn, ctx, args.sql, { start: last.start }, () =>
        last.prepared.runAndReadUntil(args.maxRows + 1),
      );
      if (reader.currentRowCount > args.maxRows) {
        throw new UsageError(
          `The query returned more than ${args.maxRows} rows; add a LIMIT or use a paged query.`,
        );
      }
      return { columns: readerColumns(reader), rows: readerCells(reader) };
    });
  }

  async query(args: ArgsOf<'query'>, ctx: HandlerContext): Promise<QueryResult> {
    const started = performance.now();
    const resultId = `r${++this.resultSeq}`;
    const { statements, result } = await this.withConnection(ctx, async (conn) => {
      const script = await this.prepareScript(conn, args.sql, ctx);
      return {
        statements: script.statements,
        result: await this.keepLast(conn, ctx, args.sql, script.last, resultId),
      };
    });
    this.keep(resultId, result);
    const page = await this.fetch({ resultId, offset: 0, limit: args.pageSize });
    return {
      ...page,
      columns: result.columns,
      totalRows: result.total,
      elapsedMs: Math.round(performance.now() - started),
      statements,
    };
  }

  async fetch(args: ArgsOf<'fetch'>): Promise<ResultPage> {
    const result = this.results.get(args.resultId);
    if (!result) throw this.notKept(args.resultId);
    const offset = Math.max(0, Math.floor(args.offset));
    const limit = Math.max(0, Math.floor(args.limit));
    if (result.rows)
      return { resultId: args.resultId, offset, rows: result.rows.slice(offset, offset + limit) };
    const table = result.table ?? '';
    // rowid follows insertion order in a table that is never updated, a rowid
    // range is pushed into the scan (deep pages cost what the first does), and a
    // scan keeps insertion order (preserve_insertion_order is on).
    const sql = `SELECT * FROM ${quoteQualified(RESULTS_DB, table)} WHERE rowid >= ${offset} AND rowid < ${offset + limit}`;
    const rows = await this.usePool(async (conn) => {
      try {
        return readerCells(await conn.runAndReadAll(sql));
      } catch (err) {
        throw engineErrorFrom(err, sql);
      }
    });
    return { resultId: args.resultId, offset, rows };
  }

  async release(args: ArgsOf<'release'>): Promise<ResultOf<'release'>> {
    const result = this.results.get(args.resultId);
    if (!result) return { released: false };
    this.results.delete(args.resultId);
    const table = result.table;
    if (table)
      await this.usePool((conn) => conn.run(`DROP TABLE IF EXISTS ${quoteQualified(RESULTS_DB, table)}`));
    return { released: true };
  }

  /**
   * Writes a kept result with one COPY on this worker's own connection. The statement is
   * built here, not taken from the caller, so the editor's statement checks do not apply;
   * DuckDB's allowed_directories still decide where it may write.
   */
  async export(args: ArgsOf<'export'>, ctx: HandlerContext): Promise<ResultOf<'export'>> {
    const result = this.results.get(args.resultId);
    if (!result) throw this.notKept(args.resultId);
    if (!result.table) return null;
    const sql = exportCopySql(
      quoteQualified(RESULTS_DB, result.table),
      result.columns,
      args.format,
      args.path,
      this.keepsInsertionOrder,
    );
    try {
      await this.withConnection(ctx, (conn) => this.track(conn, ctx, sql, { start: 0 }, () => conn.run(sql)));
      return { rows: result.total, bytes: fs.statSync(args.path).size };
    } catch (err) {
      // An interrupted COPY may leave the start of a file behind.
      fs.rmSync(args.path, { force: true });
      throw err;
    }
  }

  interrupt(args: ArgsOf<'interrupt'>): ResultOf<'interrupt'> {
    const running = this.running.get(args.target);
    if (!running) return { interrupted: false };
    running.interrupted = true;
    running.conn.interrupt();
    return { interrupted: true };
  }

  /**
   * Keeps the last statement's result. A SELECT becomes a table in the results
   * database (CTAS over its own text); anything else is read into memory.
   */
  private async keepLast(
    conn: DuckDBConnection,
    ctx: HandlerContext,
    sql: string,
    last: PreparedScript['last'],
    resultId: string,
  ): Promise<KeptResult> {
    const span = last.span;
    // PRAGMA is a SELECT to DuckDB, but cannot stand in a subquery.
    if (last.prepared.statementType === StatementType.SELECT && span && !/^PRAGMA\b/i.test(span.text)) {
      const table = `result_${resultId}`;
      const target = quoteQualified(RESULTS_DB, table);
      const prefix = `CREATE TABLE ${target} AS SELECT * FROM (\n`;
      const ctas = `${prefix}${span.text}\n)`;
      await this.track(conn, ctx, sql, { start: last.start, executed: ctas, prefix: prefix.length }, () =>
        conn.run(ctas),
      );
      const meta = await conn.runAndReadAll(`SELECT * FROM ${target} LIMIT 0`);
      const count = await conn.runAndReadAll(`SELECT count(*)::BIGINT FROM ${target}`);
      return {
        table,
        rows: null,
        columns: readerColumns(meta),
        total: Number(count.getRowsJson()[0]?.[0] ?? 0),
      };
    }
    const reader = await this.track(conn, ctx, sql, { start: last.start }, () =>
      last.prepared.runAndReadUntil(MAX_INLINE_ROWS),
    );
    const rows = readerCells(reader);
    return { table: null, rows, columns: readerColumns(reader), total: rows.length };
  }

  async close(): Promise<void> {
    for (const r of this.running.values()) r.conn.interrupt();
    this.pool?.closeAll();
    this.instance?.closeSync();
    this.pool = null;
    this.instance = null;
  }

  private notKept(resultId: string): NotFoundError {
    return new NotFoundError(
      `Result ${resultId} is no longer kept (results are released when closed, or the oldest when more than ${MAX_KEPT_RESULTS} are open). Run the query again.`,
    );
  }

  private usePool<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!this.pool) throw new UsageError('The engine is not open yet: call open first.');
    return this.pool.use(fn);
  }

  private withConnection<T>(ctx: HandlerContext, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.usePool(async (conn) => {
      this.running.set(ctx.id, { conn, interrupted: false });
      try {
        return await fn(conn);
      } finally {
        this.running.delete(ctx.id);
      }
    });
  }

  /**
   * Parses the script with DuckDB, checks every statement against the sandbox,
   * runs all but the last, and returns the last one prepared.
   */
  private async prepareScript(
    conn: DuckDBConnection,
    sql: string,
    ctx: HandlerContext,
  ): Promise<PreparedScript> {
    const spans = splitStatements(sql);
    if (spans.length === 0) throw new UsageError('The query is empty: write a SQL statement to run.');
    let extracted: Awaited<ReturnType<DuckDBConnection['extractStatements']>>;
    try {
      extracted = await conn.extractStatements(sql);
    } catch (err) {
      throw engineErrorFrom(err, sql);
    }
    const count = extracted.count;
    // Our splitter and DuckDB's parser agree on all but exotic scripts; when they
    // do not, statements run from DuckDB's parse and errors lose their position.
    const aligned = spans.length === count;
    for (let i = 0; i < count; i++) {
      const span = aligned ? spans[i] : undefined;
      const start = span?.start ?? 0;
      let prepared: DuckDBPreparedStatement;
      try {
        // Preparing from the statement's own text keeps DuckDB's `LINE n:` marker,
        // which statements prepared from the extracted set lack.
        prepared = span ? await conn.prepare(span.text) : await extracted.prepare(i);
      } catch (err) {
        throw engineErrorFrom(err, sql, { start });
      }
      this.checkSandbox(prepared.statementType);
      if (i === count - 1) return { statements: count, last: { prepared, span, start } };
      await this.track(conn, ctx, sql, { start }, () => prepared.run());
    }
    throw new EngineError('INTERNAL', 'No statement to run.');
  }

  private checkSandbox(type: StatementType): void {
    if (!this.sandboxed) return;
    const denied = SANDBOX_DENIED.get(type);
    if (denied) {
      throw new EngineError(
        'SANDBOX',
        `${denied} is not allowed in the SQL editor: it may only read the lake, not write files or load extensions. Use the pipeline or the export action for writes.`,
        { kind: 'Permission' },
      );
    }
  }

  /** Awaits one DuckDB call while reporting its progress; maps its error to an EngineError. */
  private async track<T>(
    conn: DuckDBConnection,
    ctx: HandlerContext,
    sql: string,
    origin: SqlOrigin,
    fn: () => Promise<T>,
  ): Promise<T> {
    if (this.running.get(ctx.id)?.interrupted) {
      throw new EngineError('CANCELLED', 'The query was cancelled.', { kind: 'Interrupt' });
    }
    let lastPercent = -1;
    const timer = setInterval(() => {
      const p = conn.progress;
      if (p.percentage < 0 || p.percentage === lastPercent) return;
      lastPercent = p.percentage;
      ctx.progress({
        percent: Math.min(100, Math.round(p.percentage * 10) / 10),
        rowsProcessed: Number(p.rows_processed),
        totalRows: Number(p.total_rows_to_process),
      });
    }, PROGRESS_INTERVAL_MS);
    try {
      return await fn();
    } catch (err) {
      throw engineErrorFrom(err, sql, origin);
    } finally {
      clearInterval(timer);
    }
  }

  private keep(id: string, result: KeptResult): void {
    this.results.set(id, result);
    while (this.results.size > MAX_KEPT_RESULTS) {
      const oldest = this.results.keys().next().value;
      if (oldest === undefined) break;
      void this.release({ resultId: oldest }).catch(() => undefined);
    }
  }
}

function readerColumns(reader: DuckDBResultReader): ColumnInfo[] {
  return columnInfos(reader.deduplicatedColumnNames(), reader.columnTypes());
}

function readerCells(reader: DuckDBResultReader): CellValue[][] {
  return toCells(reader.getRowsJson() as CellValue[][], reader.columnTypes());
}
