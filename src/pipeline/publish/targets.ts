// From lakehouse.yml to what a publish needs: the named target and table
// config, the connection settings (the password from the secret store, never
// from the project), the adapter for the target's kind, and the TableSpec —
// the lake table's columns mapped to target types, checked against the key and
// the partition column.

import type { PublishTargetInfo } from '../../shared/contract';
import type { PublishTableConfig, PublishTargetConfig } from '../config/project';
import { NotFoundError } from '../errors';
import type { Lake } from '../lake/lake';
import type { Snapshot } from '../delta/snapshot';
import { toDuckDbType } from '../delta/schema';
import type { SecretStore } from '../service/context';
import type { ConnectionSettings } from './connection';
import { PublishError } from './errors';
import { SqlServerAdapter } from './mssql-adapter';
import { PostgresAdapter } from './postgres-adapter';
import { mapType, RefusedTypeError } from './type-map';
import type { PublishAdapter, PublishKind, SpecColumn, TableSpec } from './types';

export const DEFAULT_PORT: Record<PublishKind, number> = { sqlserver: 1433, postgres: 5432 };
export const DEFAULT_SCHEMA: Record<PublishKind, string> = { sqlserver: 'dbo', postgres: 'public' };

export function targetsOf(lake: Lake): Record<string, PublishTargetConfig> {
  return lake.project.publish ?? {};
}

export function targetConfig(lake: Lake, name: string): PublishTargetConfig {
  const targets = targetsOf(lake);
  const t = targets[name];
  if (!t) {
    const known = Object.keys(targets).join(', ') || 'none';
    throw new NotFoundError(
      `No publish target named '${name}' in lakehouse.yml (known: ${known}). Add it under 'publish:'.`,
    );
  }
  return t;
}

/** A table of a target, by its lake name (`marts.fct_x`), its target name, or its bare lake name. */
export function tableConfig(
  target: PublishTargetConfig,
  targetName: string,
  ref: string,
): PublishTableConfig {
  const t =
    target.tables.find((c) => c.table === ref) ??
    target.tables.find((c) => (c.target ?? bareName(c.table)) === ref) ??
    target.tables.find((c) => bareName(c.table) === ref);
  if (!t) {
    const known = target.tables.map((c) => c.table).join(', ') || 'none';
    throw new NotFoundError(
      `Target '${targetName}' does not publish '${ref}' (it publishes: ${known}). Add it to the target's 'tables:' in lakehouse.yml.`,
    );
  }
  return t;
}

export function bareName(table: string): string {
  return table.slice(table.indexOf('.') + 1);
}

/** Where a target is and who logs in, with the kind's default port and schema filled in. */
function endpointOf(
  t: PublishTargetConfig,
): Pick<PublishTargetInfo, 'server' | 'port' | 'database' | 'schema' | 'auth' | 'user'> {
  return {
    server: t.server,
    port: t.port ?? DEFAULT_PORT[t.kind],
    database: t.database,
    schema: t.schema ?? DEFAULT_SCHEMA[t.kind],
    auth: t.auth,
    user: t.user ?? null,
  };
}

export function targetInfo(name: string, t: PublishTargetConfig, hasPassword: boolean): PublishTargetInfo {
  return {
    name,
    kind: t.kind,
    ...endpointOf(t),
    hasPassword,
    passwordEnv: t.password_env ?? null,
    tables: t.tables.map((c) => ({
      table: c.table,
      target: c.target ?? bareName(c.table),
      primaryKey: [...c.primary_key],
      columns: c.columns ? [...c.columns] : null,
    })),
  };
}

export function needsPassword(t: PublishTargetConfig): boolean {
  return t.auth !== 'azure-ad-default';
}

/** Where a target's password comes from, said as the fix for a missing or wrong one. */
export function passwordSource(name: string, t: PublishTargetConfig, secrets: SecretStore): string {
  const env = t.password_env ? `the environment variable ${t.password_env}` : null;
  const store = secrets.kind === 'environment' ? null : `the password saved in ${secrets.kind} for '${name}'`;
  return (
    [store, env].filter(Boolean).join(', or ') || `set password_env for target '${name}' in lakehouse.yml`
  );
}

export async function connectionSettings(
  name: string,
  t: PublishTargetConfig,
  secrets: SecretStore,
): Promise<ConnectionSettings> {
  const password = needsPassword(t) ? await secrets.get(name, t.password_env ?? null) : null;
  const source = passwordSource(name, t, secrets);
  const settings: ConnectionSettings = {
    target: name,
    ...endpointOf(t),
    password,
    domain: t.domain ?? null,
    clientId: t.client_id ?? null,
    tenantId: t.tenant_id ?? null,
    encrypt: t.encrypt,
    trustServerCertificate: t.trust_server_certificate,
    passwordSource: source,
    connectTimeoutMs: 15_000,
  };
  if (needsPassword(t) && (password === null || password === '')) {
    throw new PublishError(
      'auth',
      `No password for target '${name}' (${settings.server}:${settings.port}): ${
        t.password_env
          ? `set the environment variable ${t.password_env}`
          : `set password_env in lakehouse.yml to the environment variable that holds it`
      }${secrets.kind === 'environment' ? '' : `, or save one for the target in the app`}.`,
      { target: name },
    );
  }
  return settings;
}

export function createAdapter(kind: PublishKind, settings: ConnectionSettings): PublishAdapter {
  return kind === 'sqlserver' ? new SqlServerAdapter(settings) : new PostgresAdapter(settings);
}

/**
 * The target table for a lake table: its columns (the configured subset, in
 * lake order) with mapped types, the key and the partition column to swap by.
 */
export function buildSpec(
  kind: PublishKind,
  targetName: string,
  schema: string,
  cfg: PublishTableConfig,
  snapshot: Snapshot,
): TableSpec {
  const fail = (message: string): never => {
    throw new PublishError('schema', `Cannot publish ${cfg.table} to target '${targetName}': ${message}`, {
      target: targetName,
      table: cfg.table,
    });
  };
  const lakeColumns = snapshot.schema.fields.map((f) => f.name);
  const partitions = snapshot.partitionColumns;
  let partitionColumn: string | null = cfg.partition_column ?? partitions[0] ?? null;
  if (cfg.partition_column && !partitions.includes(cfg.partition_column))
    fail(
      `partition_column '${cfg.partition_column}' is not a partition column of the Delta table (its partition columns: ${partitions.join(', ') || 'none'}).`,
    );
  if (!cfg.partition_column && partitions.length > 1)
    fail(
      `the Delta table is partitioned by ${partitions.join(', ')}; name the one a publish swaps by with partition_column.`,
    );
  if (partitions.length === 0) partitionColumn = null;
  const wanted = cfg.columns ?? lakeColumns;
  for (const c of [...wanted, ...cfg.primary_key]) {
    if (!lakeColumns.includes(c))
      fail(`'${c}' is not a column of the lake table (its columns: ${lakeColumns.join(', ')}).`);
  }
  for (const c of [...cfg.primary_key, ...(partitionColumn ? [partitionColumn] : [])]) {
    if (!wanted.includes(c))
      fail(`'${c}' (a key or the partition column) must be among the published columns.`);
  }
  const columns: SpecColumn[] = [];
  for (const f of snapshot.schema.fields) {
    if (!wanted.includes(f.name)) continue;
    const lakeType = toDuckDbType(f.type);
    const key = cfg.primary_key.includes(f.name);
    try {
      columns.push({ name: f.name, lakeType, type: mapType(kind, f.name, lakeType, key), key });
    } catch (err) {
      if (err instanceof RefusedTypeError) fail(`${err.message}.`);
      throw err;
    }
  }
  return {
    schema,
    name: cfg.target ?? bareName(cfg.table),
    columns,
    primaryKey: [...cfg.primary_key],
    partitionColumn,
  };
}

/** The published columns and their types: part of each partition's fingerprint. */
export function columnsSignature(spec: TableSpec): string {
  return spec.columns.map((c) => `${c.name}:${c.type.sql}`).join(',');
}
