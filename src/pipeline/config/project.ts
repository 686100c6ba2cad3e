// lakehouse.yml: the project config (no secrets). Validated strictly so a
// misspelt key is reported, not ignored; engine settings and schedules are
// checked here so a bad memory limit or `run: evry 5m` fails at load with the
// line, not deep inside DuckDB or hours later when the schedule would fire.

import { z } from 'zod';
import { validateEngineSettings } from '../engine/settings';
import { scheduleProblem } from '../runner/schedule';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const engineSchema = z
  .strictObject({
    threads: z.number().int().min(1).max(1024).optional(),
    memory_limit: z.string().optional(),
    temp_directory: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    for (const message of validateEngineSettings({ memoryLimit: e.memory_limit })) {
      ctx.addIssue({ code: 'custom', message, path: ['memory_limit'] });
    }
  });

// Watch mode (src/pipeline/lake/watcher.ts). The key is optional rather than
// defaulted so projects without it load to the same value as before;
// watchSettings() in the watcher applies the defaults.
const watchSchema = z.strictObject({
  poll: z.union([z.literal('auto'), z.boolean()], { error: 'expected auto, true or false' }).default('auto'),
  poll_interval_ms: z.number().int().min(100).max(3_600_000).default(2000),
  stability_ms: z.number().int().min(0).max(3_600_000).default(1000),
});

const scheduleSchema = z.strictObject({
  run: z.string().superRefine((spec, ctx) => {
    const problem = scheduleProblem(spec);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

// Publish targets (src/pipeline/publish). Passwords never live here: a target
// names the environment variable the CLI reads (`password_env`); the desktop app
// keeps a saved password in its secret store.
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const identifier = z.string().regex(IDENT, 'expected a plain SQL name (letters, digits, _)');
const publishTableSchema = z.strictObject({
  /** `schema.name` of the Delta table in the lake, e.g. marts.fct_daily_club_activity. */
  table: z
    .string()
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/,
      'expected schema.name, e.g. marts.fct_daily_club_activity',
    ),
  /** Table name in the target schema; default: the lake table's name. */
  target: identifier.optional(),
  primary_key: z.array(identifier).min(1, 'name at least one primary key column'),
  /** Only these columns (the partition and key columns must be among them); default: all. */
  columns: z.array(identifier).min(1).optional(),
  /** The Delta partition column a publish swaps by; default: the table's partition column. */
  partition_column: identifier.optional(),
});
const publishTargetSchema = z
  .strictObject({
    kind: z.enum(['sqlserver', 'postgres'], { error: 'expected sqlserver or postgres' }),
    server: z.string().min(1, 'name the server (host name or address)'),
    port: z.number().int().min(1).max(65_535).optional(),
    database: z.string().min(1),
    schema: identifier.optional(),
    auth: z
      .enum(['sql', 'ntlm', 'azure-ad-password', 'azure-ad-default'], {
        error: 'expected sql, ntlm, azure-ad-password or azure-ad-default',
      })
      .default('sql'),
    user: z.string().min(1).optional(),
    domain: z.string().min(1).optional(),
    password_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .optional(),
    password: z
      .never({
        error:
          'passwords never go in lakehouse.yml: set password_env to an environment variable name (the app keeps a saved password in its secret store)',
      })
      .optional(),
    /** Azure AD: the app registration (required for azure-ad-password) and the tenant. */
    client_id: z.string().min(1).optional(),
    tenant_id: z.string().min(1).optional(),
    encrypt: z.boolean().default(true),
    trust_server_certificate: z.boolean().default(false),
    tables: z.array(publishTableSchema).default([]),
  })
  .superRefine((t, ctx) => {
    const needsUser = t.auth === 'sql' || t.auth === 'ntlm' || t.auth === 'azure-ad-password';
    if (needsUser && !t.user)
      ctx.addIssue({ code: 'custom', message: `auth ${t.auth} needs a user`, path: ['user'] });
    if (t.auth === 'ntlm' && !t.domain)
      ctx.addIssue({ code: 'custom', message: 'auth ntlm needs a domain', path: ['domain'] });
    if (t.auth === 'azure-ad-password' && !t.client_id)
      ctx.addIssue({
        code: 'custom',
        message: 'auth azure-ad-password needs client_id (the app registration to sign in through)',
        path: ['client_id'],
      });
    if (t.kind === 'postgres' && t.auth !== 'sql')
      ctx.addIssue({ code: 'custom', message: 'a postgres target supports auth sql only', path: ['auth'] });
  });

export const projectSchema = z.strictObject({
  name: z.string().min(1, 'give the project a name'),
  version: z.literal(1).default(1),
  start_date: z
    .union([z.string(), z.date()])
    .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
    .refine((v) => DATE.test(v), 'expected a date like 2024-05-01')
    .optional(),
  timezone: z.string().default('UTC'),
  engine: engineSchema.default({}),
  vars: z.record(z.string(), z.unknown()).default({}),
  watch: watchSchema.optional(),
  schedule: scheduleSchema.optional(),
  /** Raw partitions older than this many days move to archive/ (`lakehouse archive`); default 90. */
  archive_after_days: z.number().int().min(1).max(36_500).optional(),
  /** Publish targets by name (see src/pipeline/publish). */
  publish: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a target name uses letters, digits, _ . -'),
      publishTargetSchema,
    )
    .optional(),
});

export type ProjectConfig = z.output<typeof projectSchema>;
export type PublishTargetConfig = z.output<typeof publishTargetSchema>;
export type PublishTableConfig = z.output<typeof publishTableSchema>;
