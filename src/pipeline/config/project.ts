// lakehouse.yml: the project config (no secrets). Validated strictly so a
// misspelt key is reported, not ignored; engine settings are checked here so
// a bad memory limit fails at load with the line, not deep inside DuckDB.

import { z } from 'zod';
import { validateEngineSettings } from '../engine/settings';

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
});

export type ProjectConfig = z.output<typeof projectSchema>;
