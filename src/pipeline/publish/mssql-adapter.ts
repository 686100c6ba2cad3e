// The SQL Server adapter on `mssql` (tedious). A pool of exactly one connection,
// because the staging table is a session temp table (#lh_stage) that only that
// connection sees; rows go in by TDS bulk load (request.bulk) one batch at a
// time, and the swap is one transaction with XACT_ABORT on, so any error or a
// dropped connection rolls the whole partition back.

import sql from 'mssql';
import { openOrClose } from './connection';
import type { ConnectionSettings } from './connection';
import { DESCRIBE_TSQL, sqlServerColumnType, stagingType, tsql } from './mssql-sql';
import type { SysColumnRow } from './mssql-sql';
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

/** Rows per bulk-load call: big enough to amortize a round trip, small enough to keep memory flat. */
const BULK_BATCH = 10_000;

/** The tedious authentication block for a target's auth kind. */
type Authentication = NonNullable<sql.config['authentication']>;

export function authenticationOf(s: ConnectionSettings): Authentication {
  const userName = s.user ?? '';
  const password = s.password ?? '';
  switch (s.auth) {
    case 'ntlm':
      return { type: 'ntlm', options: { userName, password, domain: s.domain ?? '' } };
    case 'azure-ad-password':
      return {
        type: 'azure-active-directory-password',
        options: {
          userName,
          password,
          clientId: s.clientId ?? '',
          tenantId: s.tenantId ?? 'common',
        },
      };
    case 'azure-ad-default':
      return { type: 'azure-active-directory-default', options: s.clientId ? { clientId: s.clientId } : {} };
    case 'sql':
      return { type: 'default', options: { userName, password } };
  }
}

export function mssqlConfig(s: ConnectionSettings): sql.config {
  return {
    server: s.server,
    port: s.port,
    database: s.database,
    authentication: authenticationOf(s),
    connectionTimeout: s.connectTimeoutMs,
    // A swap of a big partition may take minutes; cancellation closes the connection instead.
    requestTimeout: 0,
    options: {
      encrypt: s.encrypt,
      trustServerCertificate: s.trustServerCertificate,
      appName: 'lakehouse-publish',
      enableArithAbort: true,
    },
    pool: { max: 1, min: 0, idleTimeoutMillis: 60_000 },
  };
}

function mssqlType(type: string): sql.ISqlType {
  const m = /^(N?VARCHAR)\((MAX|\d+)\)$/.exec(type);
  const length = m?.[2] === 'MAX' || !m ? sql.MAX : Number(m[2]);
  return m?.[1] === 'VARCHAR' ? sql.VarChar(length) : sql.NVarChar(length);
}

export class SqlServerAdapter implements PublishAdapter {
  readonly kind = 'sqlserver' as const;
  readonly sql = tsql;
  private pool: sql.ConnectionPool | null = null;

  constructor(private readonly settings: ConnectionSettings) {}

  async connect(signal?: AbortSignal): Promise<void> {
    throwIfCancelled(signal);
    const pool = new sql.ConnectionPool(mssqlConfig(this.settings));
    pool.on('error', () => undefined);
    await openOrClose(
      this.settings,
      async () => {
        await pool.connect();
        await pool.request().batch('SET XACT_ABORT ON; SET NOCOUNT OFF;');
      },
      () => pool.close(),
    );
    this.pool = pool;
  }

  private get db(): sql.ConnectionPool {
    if (!this.pool) throw new Error('The SQL Server adapter is not connected.');
    return this.pool;
  }

  async serverVersion(): Promise<string> {
    const r = await this.db.request().query<{ v: string }>('SELECT @@VERSION AS v');
    return (r.recordset[0]?.v ?? '?').split('\n')[0]?.trim() ?? '?';
  }

  async describeTable(schema: string, name: string): Promise<TargetColumn[] | null> {
    const r = await this.db
      .request()
      .input('name', sql.NVarChar(1000), this.sql.qualified({ schema, name }))
      .query<SysColumnRow>(DESCRIBE_TSQL);
    return r.recordset.length === 0 ? null : r.recordset.map(sqlServerColumnType);
  }

  async createTable(spec: TableSpec): Promise<void> {
    for (const stmt of this.sql.createTable(spec)) await this.db.request().batch(stmt);
  }

  async addColumns(spec: TableSpec, columns: readonly SpecColumn[]): Promise<void> {
    for (const stmt of this.sql.addColumns(spec, columns)) await this.db.request().batch(stmt);
  }

  async load(spec: TableSpec, source: RowSource, signal?: AbortSignal): Promise<number> {
    for (const stmt of this.sql.createStaging(spec)) await this.db.request().batch(stmt);
    for await (const batch of source.batches(BULK_BATCH)) {
      throwIfCancelled(signal);
      const table = new sql.Table(this.sql.stagingName(spec));
      table.create = false;
      for (const c of spec.columns) table.columns.add(c.name, mssqlType(stagingType(c)), { nullable: true });
      for (const row of batch) table.rows.add(...row);
      await this.db.request().bulk(table);
    }
    const r = await this.db
      .request()
      .query<{ n: string | number }>(`SELECT COUNT_BIG(*) AS n FROM ${this.sql.stagingName(spec)}`);
    return Number(r.recordset[0]?.n ?? 0);
  }

  async swap(spec: TableSpec, partition: PartitionValue, signal?: AbortSignal): Promise<SwapResult> {
    throwIfCancelled(signal);
    const [del, ins] = this.sql.swap(spec, partition);
    const tx = new sql.Transaction(this.db);
    await tx.begin();
    try {
      const d = await new sql.Request(tx).query(del ?? '');
      const i = await new sql.Request(tx).query(ins ?? '');
      await tx.commit();
      return { deleted: d.rowsAffected[0] ?? 0, inserted: i.rowsAffected[0] ?? 0 };
    } catch (err) {
      await tx.rollback().catch(() => undefined);
      throw err;
    }
  }

  async sessionId(): Promise<number> {
    const r = await this.db.request().query<{ spid: number }>('SELECT @@SPID AS spid');
    return r.recordset[0]?.spid ?? -1;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close().catch(() => undefined);
  }
}
