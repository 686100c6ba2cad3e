// The SQL Server adapter's own code path without a SQL Server: the tedious
// config it builds for each auth kind, and a connect to a closed local port,
// which must fail as "cannot reach" naming the target, the server and the fix.
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../src/pipeline/publish/connection';
import { PublishError } from '../../src/pipeline/publish/errors';
import { authenticationOf, mssqlConfig, SqlServerAdapter } from '../../src/pipeline/publish/mssql-adapter';

const base: ConnectionSettings = {
  target: 'warehouse',
  server: '127.0.0.1',
  port: 1,
  database: 'analytics',
  schema: 'dbo',
  auth: 'sql',
  user: 'publisher',
  password: 'secret',
  domain: null,
  clientId: null,
  tenantId: null,
  encrypt: true,
  trustServerCertificate: false,
  passwordSource: 'the environment variable WAREHOUSE_PASSWORD',
  connectTimeoutMs: 3000,
};

describe('SQL Server connection settings', () => {
  const cases: [auth: ConnectionSettings['auth'], extra: Partial<ConnectionSettings>, expected: unknown][] = [
    ['sql', {}, { type: 'default', options: { userName: 'publisher', password: 'secret' } }],
    [
      'ntlm',
      { domain: 'CORP' },
      { type: 'ntlm', options: { userName: 'publisher', password: 'secret', domain: 'CORP' } },
    ],
    [
      'azure-ad-password',
      { clientId: 'app-id' },
      {
        type: 'azure-active-directory-password',
        options: { userName: 'publisher', password: 'secret', clientId: 'app-id', tenantId: 'common' },
      },
    ],
    ['azure-ad-default', {}, { type: 'azure-active-directory-default', options: {} }],
  ];
  it.each(cases)('auth %s', (auth, extra, expected) => {
    expect(authenticationOf({ ...base, auth, ...extra })).toEqual(expected);
  });

  it('keeps one connection (the staging table is a session temp table) and passes TLS settings', () => {
    const c = mssqlConfig({ ...base, trustServerCertificate: true });
    expect(c.pool?.max).toBe(1);
    expect(c.options).toMatchObject({ encrypt: true, trustServerCertificate: true });
    expect(c.port).toBe(1);
  });
});

describe('connecting to a server that is not there', () => {
  it('fails as unreachable, naming the target, the server and what to check', async () => {
    const adapter = new SqlServerAdapter(base);
    let caught: unknown;
    try {
      await adapter.connect();
    } catch (err) {
      caught = err;
    } finally {
      await adapter.close();
    }
    expect(caught).toBeInstanceOf(PublishError);
    expect((caught as PublishError).failure).toBe('unreachable');
    expect((caught as Error).message).toMatch(
      /^Cannot reach target 'warehouse' \(127\.0\.0\.1:1, database analytics\): .*Check 'server' and 'port' in lakehouse\.yml/,
    );
  }, 20_000);
});
