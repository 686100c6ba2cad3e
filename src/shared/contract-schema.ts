// Validators for every service method's arguments, checked at each door (IPC
// in main, HTTP in `lakehouse serve`) before the service sees them. The map is
// typed against ServiceMethods, so a schema that drifts from the contract or a
// method without a schema fails to compile. Unknown keys are rejected.

import { z } from 'zod';
import type { ArgsOf, ServiceMethod } from './contract';
import type { WireError } from './errors';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const name = z.string().min(1).max(1000);
const none = z.strictObject({});
const tableRef = z.string().min(1).max(500);
const limit = z.number().int().min(1).max(100_000).optional();
const pageSize = z.number().int().min(1).max(10_000).optional();

const runRequest = z.strictObject({
  kind: z.enum(['run', 'backfill']),
  models: z.array(name).max(1000).optional(),
  withDownstream: z.boolean().optional(),
  from: date.optional(),
  to: date.optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
});

const publishRequest = z.strictObject({
  target: name,
  table: tableRef,
  from: date.optional(),
  to: date.optional(),
  dryRun: z.boolean().optional(),
});

type SchemaMap = { [M in ServiceMethod]: z.ZodType<ArgsOf<M>> };

export const ARG_SCHEMAS: SchemaMap = {
  'lake.open': z.strictObject({ path: z.string().min(1).max(4096) }),
  'lake.current': none,
  'lake.createSample': z.strictObject({
    path: z.string().min(1).max(4096),
    days: z.number().int().min(1).max(3650).optional(),
    eventsPerDay: z.number().int().min(1).max(10_000_000).optional(),
  }),
  'catalog.list': none,
  'catalog.completions': none,
  'table.describe': z.strictObject({ table: tableRef, version: z.number().int().min(0).optional() }),
  'table.history': z.strictObject({ table: tableRef, limit }),
  'table.profile': z.strictObject({
    table: tableRef,
    version: z.number().int().min(0).optional(),
    queryId: name.optional(),
  }),
  'query.run': z.strictObject({ sql: z.string().max(1_000_000), queryId: name, pageSize }),
  'query.fetch': z.strictObject({
    resultId: name,
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(10_000),
  }),
  'query.sort': z.strictObject({
    resultId: name,
    column: z.string().min(1).max(1000),
    direction: z.enum(['asc', 'desc']),
    pageSize,
  }),
  'query.release': z.strictObject({ resultId: name }),
  'query.cancel': z.strictObject({ queryId: name }),
  'query.export': z.strictObject({
    resultId: name,
    format: z.enum(['csv', 'parquet']),
    exportId: name,
    path: z.string().min(1).max(4096).optional(),
  }),
  'query.history': z.strictObject({ limit }),
  'query.saved': none,
  'query.save': z.strictObject({ name: z.string().min(1).max(200), sql: z.string().max(1_000_000) }),
  'query.deleteSaved': z.strictObject({ name: z.string().min(1).max(200) }),
  'pipeline.graph': none,
  'pipeline.status': z.strictObject({ from: date.optional(), to: date.optional() }),
  'pipeline.partition': z.strictObject({ model: name, partition: date.nullable() }),
  'pipeline.plan': runRequest,
  'pipeline.start': runRequest,
  'pipeline.cancel': z.strictObject({ runId: name }),
  'pipeline.resumable': none,
  'pipeline.resume': z.strictObject({ runId: name }),
  'runs.list': z.strictObject({ limit }),
  'settings.get': none,
  'settings.update': z.strictObject({
    engine: z
      .strictObject({
        threads: z.number().int().min(1).max(1024).optional(),
        memoryLimit: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 4GB')
          .nullable()
          .optional(),
      })
      .optional(),
    autoRun: z.boolean().optional(),
  }),
  'publish.targets': none,
  'publish.test': z.strictObject({ target: name }),
  'publish.preview': publishRequest,
  'publish.start': publishRequest,
  'publish.cancel': z.strictObject({ publishId: name }),
  'publish.history': z.strictObject({ target: name.optional(), table: tableRef.optional(), limit }),
  'publish.setPassword': z.strictObject({ target: name, password: z.string().min(1).max(10_000) }),
};

/**
 * Checks a method's arguments. Returns the parsed arguments, or a USAGE error that names the
 * method and every wrong field, so a bad payload is refused with one clear message.
 */
export function validateArgs<M extends ServiceMethod>(
  method: M,
  args: unknown,
): { ok: true; value: ArgsOf<M> } | { ok: false; error: WireError } {
  const schema = ARG_SCHEMAS[method] as z.ZodType<ArgsOf<M>>;
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map(
    (i) => `${i.path.length > 0 ? i.path.join('.') : '(arguments)'}: ${i.message}`,
  );
  return {
    ok: false,
    error: {
      name: 'UsageError',
      code: 'USAGE',
      message: `Invalid arguments for ${method}: ${problems.join('; ')}. Fix the request and try again.`,
      details: { method, problems },
    },
  };
}
