// sources.yml: every raw source with its explicit schema. Types are a closed
// list of DuckDB types so a typo ("INTEGR") fails at load, with its line,
// instead of becoming a DuckDB error in the middle of a run.

import { z } from 'zod';

export const SOURCE_FORMATS = ['jsonl', 'csv', 'parquet'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

const SIMPLE_TYPES = [
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'FLOAT',
  'REAL',
  'DOUBLE',
  'VARCHAR',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'TIMESTAMPTZ',
  'UUID',
  'JSON',
] as const;

const DECIMAL = /^DECIMAL\(\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)$/;

export function normalizeType(raw: string): string | null {
  const t = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  if ((SIMPLE_TYPES as readonly string[]).includes(t)) return t;
  if (t === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMPTZ';
  const d = DECIMAL.exec(t);
  if (d) {
    const p = Number(d[1]);
    const s = Number(d[2]);
    if (p >= 1 && p <= 38 && s <= p) return `DECIMAL(${p},${s})`;
  }
  return null;
}

const columnSchema = z.strictObject({
  type: z.string().transform((raw, ctx) => {
    const t = normalizeType(raw);
    if (t === null) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown type '${raw}'; use one of ${SIMPLE_TYPES.join(', ')} or DECIMAL(p,s)`,
      });
      return z.NEVER;
    }
    return t;
  }),
  required: z.boolean().default(false),
  description: z.string().optional(),
  accepted_values: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

const sourceSchema = z.strictObject({
  description: z.string().optional(),
  format: z.enum(SOURCE_FORMATS),
  path: z.string().optional(),
  event_time: z.string().optional(),
  lookback_days: z.number().int().min(0).max(365).default(0),
  csv: z
    .strictObject({ header: z.boolean().default(true), delimiter: z.string().length(1).default(',') })
    .optional(),
  columns: z
    .record(z.string().regex(IDENT, 'column names are letters, digits and _'), columnSchema)
    .refine((c) => Object.keys(c).length > 0, 'a source needs at least one column'),
});

export const sourcesFileSchema = z.strictObject({
  version: z.literal(1).default(1),
  sources: z.record(z.string().regex(IDENT, 'source names are letters, digits and _'), sourceSchema),
});

export type SourcesFile = z.output<typeof sourcesFileSchema>;

export interface SourceColumn {
  name: string;
  type: string;
  required: boolean;
  description?: string;
  acceptedValues?: (string | number | boolean)[];
}

export interface SourceDef {
  name: string;
  format: SourceFormat;
  description?: string;
  /** Folder of the source relative to the lake root (default raw/<name>); archive/ mirrors it. */
  path: string;
  eventTime?: string;
  lookbackDays: number;
  csv: { header: boolean; delimiter: string };
  columns: SourceColumn[];
}

export function toSourceDefs(file: SourcesFile): SourceDef[] {
  return Object.entries(file.sources).map(([name, s]) => {
    const def: SourceDef = {
      name,
      format: s.format,
      path: s.path ?? `raw/${name}`,
      lookbackDays: s.lookback_days,
      csv: s.csv ?? { header: true, delimiter: ',' },
      columns: Object.entries(s.columns).map(([colName, c]) => {
        const col: SourceColumn = { name: colName, type: c.type, required: c.required };
        if (c.description !== undefined) col.description = c.description;
        if (c.accepted_values !== undefined) col.acceptedValues = c.accepted_values;
        return col;
      }),
    };
    if (s.description !== undefined) def.description = s.description;
    if (s.event_time !== undefined) def.eventTime = s.event_time;
    return def;
  });
}
