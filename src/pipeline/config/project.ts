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
});

export type ProjectConfig = z.output<typeof projectSchema>;
