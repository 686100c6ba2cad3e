// What a model declares with `{{ config(...) }}`: materialization, partition
// column, layer, lookback and docs. Validated with zod so every mistake becomes
// one problem naming the key and the fix; the cross-key rules (partition_by only
// and always for partitioned models) live here too, so no caller re-checks them.

import { z } from 'zod';
import { closestName } from './suggest';
import { addDays } from '../runner/intervals';

export const MATERIALIZATIONS = ['partitioned', 'table', 'view'] as const;
export type Materialization = (typeof MATERIALIZATIONS)[number];

export interface ModelConfig {
  materialized: Materialization;
  /** The DATE column whose day is the partition; set exactly for partitioned models. */
  partitionBy: string | null;
  /** Folder under tables/: tables/<layer>/<model>. */
  layer: string;
  /**
   * How many days after a partition its input reaches. For a model reading raw
   * sources: how many days late events arrive — partition P is fed arrival days
   * P … P + lookback, so a raw file arriving on D restates partitions D − lookback … D.
   * For a model reading other models: how many days after P the upstream partitions
   * it reads go (P … P + lookback); their own lateness is theirs, and the runner
   * chains it through the refs.
   */
  lookbackDays: number;
  /** Columns that identify a row ([] when not declared). */
  uniqueKey: string[];
  description: string | null;
  tags: string[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ident = (what: string): z.ZodString =>
  z.string({ error: `expected ${what} as a quoted name` }).regex(IDENT, `${what} is letters, digits and _`);
const oneOrMany = (what: string): z.ZodType<string[]> =>
  z
    .union([ident(what), z.array(ident(what))], { error: `expected ${what} as a name or a list of names` })
    .transform((v) => (typeof v === 'string' ? [v] : v));

const configSchema = z.strictObject({
  materialized: z.enum(MATERIALIZATIONS, { error: "use 'partitioned', 'table' or 'view'" }).default('table'),
  partition_by: ident('the partition column').optional(),
  layer: z
    .string({ error: "expected a folder name like 'core'" })
    .regex(/^[a-z][a-z0-9_]*$/, "the layer is a lower-case folder name like 'core' or 'marts'")
    .default('core'),
  lookback_days: z
    .number({ error: 'expected a whole number of days, e.g. lookback_days=2' })
    .int('expected a whole number of days, e.g. lookback_days=2')
    .min(0, 'lookback_days cannot be negative')
    .max(365, 'lookback_days is at most 365')
    .default(0),
  unique_key: oneOrMany('a column').optional(),
  description: z.string({ error: 'expected a quoted text' }).optional(),
  tags: z
    .union([z.string(), z.array(z.string())], { error: 'expected a tag or a list of tags' })
    .transform((v) => (typeof v === 'string' ? [v] : v))
    .default([]),
});

export const CONFIG_KEYS = Object.keys(configSchema.shape);

/** One thing wrong with a config() call: the key to point at and what to do. */
export interface ConfigProblem {
  key: string | null;
  message: string;
}

export type ConfigResult = { ok: true; config: ModelConfig } | { ok: false; problem: ConfigProblem };

/** Validates the keyword arguments of config(); the first problem wins, so the message stays one line. */
export function validateConfig(args: Readonly<Record<string, unknown>>): ConfigResult {
  const parsed = configSchema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      const close = closestName(key, CONFIG_KEYS);
      const hint = close ? `did you mean ${close}?` : `config() takes ${CONFIG_KEYS.join(', ')}`;
      return { ok: false, problem: { key, message: `unknown key '${key}': ${hint}` } };
    }
    const key = typeof issue?.path[0] === 'string' ? issue.path[0] : null;
    return { ok: false, problem: { key, message: issue?.message ?? 'invalid' } };
  }
  const c = parsed.data;
  const problem = crossKeyProblem(c.materialized, c.partition_by, c.lookback_days);
  if (problem) return { ok: false, problem };
  return {
    ok: true,
    config: {
      materialized: c.materialized,
      partitionBy: c.partition_by ?? null,
      layer: c.layer,
      lookbackDays: c.lookback_days,
      uniqueKey: c.unique_key ?? [],
      description: c.description ?? null,
      tags: c.tags,
    },
  };
}

function crossKeyProblem(
  materialized: Materialization,
  partitionBy: string | undefined,
  lookbackDays: number,
): ConfigProblem | null {
  if (materialized === 'partitioned' && partitionBy === undefined) {
    return {
      key: 'materialized',
      message: "a partitioned model needs partition_by='<its DATE column>', e.g. partition_by='event_date'",
    };
  }
  if (materialized !== 'partitioned' && partitionBy !== undefined) {
    return {
      key: 'partition_by',
      message: `partition_by applies to partitioned models only: remove it or set materialized='partitioned'`,
    };
  }
  if (materialized !== 'partitioned' && lookbackDays > 0) {
    return {
      key: 'lookback_days',
      message: `lookback_days applies to partitioned models only (a ${materialized} is rebuilt whole): remove it`,
    };
  }
  return null;
}

/** The config of a model that never called config(): a table in the core layer. */
export function defaultConfig(): ModelConfig {
  const result = validateConfig({});
  if (!result.ok) throw new Error('the default config must be valid');
  return result.config;
}

/**
 * The input days (inclusive) a partitioned model reads for the half-open day
 * range [startDs, endDs): raw arrival days, or upstream partitions, from the
 * first day to the last day + lookback. Events arrive late, never early (an
 * event dated after its arrival day is not picked up by its own day).
 */
export function arrivalWindow(
  config: Pick<ModelConfig, 'lookbackDays'>,
  range: { startDs: string; endDs: string },
): { from: string; to: string } {
  return { from: range.startDs, to: addDays(range.endDs, config.lookbackDays - 1) };
}
