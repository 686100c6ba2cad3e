// The servers the publish integration suite runs against, from the environment:
// LAKEHOUSE_TEST_PG (postgres://user:password@host:port/database) and
// LAKEHOUSE_TEST_MSSQL (mssql://user:password@host:port/database, with
// ?encrypt=true&trustServerCertificate=true as needed). Each server gets a
// client the tests use to read the target back independently of the publisher.
import sql from 'mssql';
import pg from 'pg';

export interface TestServer {
  kind: 'postgres' | 'sqlserver';
  /** Null when the server can be used; otherwise why its tests are skipped. */
  skip: string | null;
  url: URL | null;
  schema: string;
}

export function testServers(): TestServer[] {
  const pgUrl = process.env['LAKEHOUSE_TEST_PG'];
  const msUrl = process.env['LAKEHOUSE_TEST_MSSQL'];
  return [
    {
      kind: 'postgres',
      skip: pgUrl ? null : 'LAKEHOUSE_TEST_PG is not set (postgres://user:password@host:port/database)',
      url: pgUrl ? new URL(pgUrl) : null,
      schema: 'lh_publish_test',
    },
    {
      kind: 'sqlserver',
      skip: msUrl
        ? null
        : 'LAKEHOUSE_TEST_MSSQL is not set (mssql://user:password@host:1433/database?trustServerCertificate=true); see the README to start SQL Server in a container',
      url: msUrl ? new URL(msUrl) : null,
      schema: 'lh_publish_test',
    },
  ];
}

/** The lakehouse.yml target block for a server; the password comes from `passwordEnv`. */
export function targetYaml(
  s: TestServer,
  name: string,
  passwordEnv: string,
  tables: string,
  port?: number,
): string {
  const u = s.url;
  if (!u) throw new Error('no server');
  const encrypt = u.searchParams.get('encrypt') === 'true';
  const trust = u.searchParams.get('trustServerCertificate') === 'true';
  return [
    `  ${name}:`,
    `    kind: ${s.kind}`,
    `    server: ${u.hostname}`,
    `    port: ${port ?? (Number(u.port) || (s.kind === 'postgres' ? 5432 : 1433))}`,
    `    database: ${decodeURIComponent(u.pathname.slice(1))}`,
    `    schema: ${s.schema}`,
    `    auth: sql`,
    `    user: ${decodeURIComponent(u.username)}`,
    `    password_env: ${passwordEnv}`,
    `    encrypt: ${encrypt}`,
    `    trust_server_certificate: ${trust}`,
    `    tables:`,
    tables,
  ].join('\n');
}

export function passwordOf(s: TestServer): string {
  return decodeURIComponent(s.url?.password ?? '');
}

/** A plain client for checking what landed, with rows as arrays of text. */
export interface CheckClient {
  rows(sqlText: string): Promise<string[][]>;
  exec(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

export async function checkClient(s: TestServer): Promise<CheckClient> {
  const u = s.url;
  if (!u) throw new Error('no server');
  if (s.kind === 'postgres') {
    const client = new pg.Client({ connectionString: u.toString() });
    client.on('error', () => undefined);
    await client.connect();
    return {
      rows: async (q) =>
        (await client.query({ text: q, rowMode: 'array' })).rows.map((r: unknown[]) =>
          r.map((v) => (v === null ? 'NULL' : String(v))),
        ),
      exec: async (q) => {
        await client.query(q);
      },
      close: () => client.end(),
    };
  }
  const pool = new sql.ConnectionPool({
    server: u.hostname,
    port: Number(u.port) || 1433,
    database: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    options: {
      encrypt: u.searchParams.get('encrypt') === 'true',
      trustServerCertificate: u.searchParams.get('trustServerCertificate') === 'true',
    },
  });
  await pool.connect();
  return {
    rows: async (q) => {
      const req = pool.request();
      req.arrayRowMode = true;
      const r = await req.query(q);
      return (r.recordset as unknown as unknown[][]).map((row) =>
        row.map((v) => (v === null ? 'NULL' : String(v))),
      );
    },
    exec: async (q) => {
      await pool.request().batch(q);
    },
    close: () => pool.close(),
  };
}
