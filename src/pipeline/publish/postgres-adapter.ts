// The PostgreSQL adapter on `pg` + `pg-copy-streams`: one connection per
// adapter; rows are COPYed FROM STDIN as CSV straight from the lake's export
// into a temp table (backpressure flows end to end, so memory stays flat), and
// the swap is one transaction. A dropped connection rolls the swap back.

import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openOrClose } from './connection';
import type { ConnectionSettings } from './connection';
import { DESCRIBE_PG, copyFromSql, pgsql } from './postgres-sql';
import { throwIfCancelled } from './run-support';
import type {
  PartitionValue,
  PublishAdapter,
  RowSource,
  SpecColumn,
  SwapResult,
  TableSpec,
  TargetColumn,
} from './types';

export class PostgresAdapter implements PublishAdapter {
  readonly kind = 'postgres' as const;
  readonly sql = pgsql;
  private client: pg.Client | null = null;

  constructor(private readonly settings: ConnectionSettings) {}

  async connect(signal?: AbortSignal): Promise<void> {
    throwIfCancelled(signal);
    const s = this.settings;
    const client = new pg.Client({
      host: s.server,
      port: s.port,
      database: s.database,
      user: s.user ?? undefined,
      password: s.password ?? '',
      ssl: s.encrypt ? { rejectUnauthorized: !s.trustServerCertificate } : false,
      connectionTimeoutMillis: s.connectTimeoutMs,
      application_name: 'lakehouse-publish',
    });
    // A connection dropped between queries is reported by the next query; this keeps it from crashing the process.
    client.on('error', () => undefined);
    await openOrClose(
      s,
      async () => {
        await client.connect();
        // The staging table is a temp table: give it room in memory before the session first uses one.
        await client.query("SET temp_buffers = '128MB'");
      },
      () => client.end(),
    );
    this.client = client;
  }

  private get db(): pg.Client {
    if (!this.client) throw new Error('The PostgreSQL adapter is not connected.');
    return this.client;
  }

  async serverVersion(): Promise<string> {
    const r = await this.db.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${r.rows[0]?.server_version ?? '?'}`;
  }

  async describeTable(schema: string, name: string): Promise<TargetColumn[] | null> {
    const r = await this.db.query<{ name: string; type: string; nullable: boolean }>(DESCRIBE_PG, [
      this.sql.qualified({ schema, name }),
    ]);
    return r.rows.length === 0 ? null : r.rows.map((row) => ({ ...row }));
  }

  async createTable(spec: TableSpec): Promise<void> {
    const [schemaSql, ...rest] = this.sql.createTable(spec);
    // CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
    const exists = await this.db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [spec.schema]);
    if (exists.rowCount === 0 && schemaSql) await this.db.query(schemaSql);
    for (const stmt of rest) await this.db.query(stmt);
  }

  async addColumns(spec: TableSpec, columns: readonly SpecColumn[]): Promise<void> {
    for (const stmt of this.sql.addColumns(spec, columns)) await this.db.query(stmt);
  }

  async load(spec: TableSpec, source: RowSource, signal?: AbortSignal): Promise<number> {
    for (const stmt of this.sql.createStaging(spec)) await this.db.query(stmt);
    const copy = this.db.query(copyFrom(copyFromSql(spec)));
    await pipeline(source.csv(), copy, signal ? { signal } : {});
    return copy.rowCount;
  }

  async swap(spec: TableSpec, partition: PartitionValue, signal?: AbortSignal): Promise<SwapResult> {
    throwIfCancelled(signal);
    const [del, ins] = this.sql.swap(spec, partition);
    await this.db.query('BEGIN');
    try {
      const d = await this.db.query(del ?? '');
      const i = await this.db.query(ins ?? '');
      await this.db.query('COMMIT');
      return { deleted: d.rowCount ?? 0, inserted: i.rowCount ?? 0 };
    } catch (err) {
      await this.db.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async sessionId(): Promise<number> {
    const r = await this.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return r.rows[0]?.pid ?? -1;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
