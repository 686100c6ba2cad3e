// models/*.yml: docs and data tests of models, dbt-like. Parsed with zod through
// parseYaml, so a bad key or unknown test kind is a ConfigError with file:line.
// Every test comes out as one flat ModelTest with its severity (default error),
// a stable id and the line it was declared on, for messages about failures.

import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { parseYaml } from '../config/yaml-file';
import { closestName } from './suggest';

export type Severity = 'error' | 'warn';
export type AcceptedValue = string | number | boolean;

interface TestBase {
  /** Unique within the project, e.g. stg_activity.event_id.not_null. */
  id: string;
  model: string;
  severity: Severity;
  /** The yml file and 1-based line that declare the test. */
  file: string;
  line: number | null;
}

export type ModelTest =
  | (TestBase & { kind: 'not_null'; column: string })
  | (TestBase & { kind: 'unique'; column: string })
  | (TestBase & { kind: 'accepted_values'; column: string; values: AcceptedValue[] })
  | (TestBase & { kind: 'relationships'; column: string; to: string; field: string })
  | (TestBase & { kind: 'row_count'; min: number | null; max: number | null })
  | (TestBase & { kind: 'unique_combination'; columns: string[] });

export type TestKind = ModelTest['kind'];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ident = z.string().regex(IDENT, 'expected a name (letters, digits and _)');
const severity = z.enum(['error', 'warn'], { error: "severity is 'error' or 'warn'" }).default('error');
const count = z.number().int('expected a whole number').min(0, 'cannot be negative');

const COLUMN_ARGS = {
  not_null: z.strictObject({ severity }),
  unique: z.strictObject({ severity }),
  accepted_values: z.strictObject({
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1, 'list at least one value'),
    severity,
  }),
  relationships: z.strictObject({ to: ident, field: ident, severity }),
};

const MODEL_ARGS = {
  row_count: z
    .strictObject({ min: count.optional(), max: count.optional(), severity })
    .refine((a) => a.min !== undefined || a.max !== undefined, 'give min, max or both')
    .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, 'min must not exceed max'),
  unique_combination: z.strictObject({ columns: z.array(ident).min(1, 'list the columns'), severity }),
};

type ArgSchemas = Readonly<Record<string, z.ZodType<Record<string, unknown>>>>;

/** A test entry: `kind`, or `{ kind: { ...args } }`; the kinds allowed depend on where it sits. */
function testEntry(
  schemas: ArgSchemas,
  where: string,
): z.ZodType<{ kind: string } & Record<string, unknown>> {
  const kinds = Object.keys(schemas);
  return z.unknown().transform((raw, ctx) => {
    let kind: string;
    let args: unknown;
    if (typeof raw === 'string') [kind, args] = [raw, {}];
    else if (
      typeof raw === 'object' &&
      raw !== null &&
      !Array.isArray(raw) &&
      Object.keys(raw).length === 1
    ) {
      [kind, args] = Object.entries(raw)[0] ?? ['', {}];
    } else {
      ctx.addIssue({
        code: 'custom',
        message: `expected a test like not_null or { accepted_values: { values: [...] } }`,
      });
      return z.NEVER;
    }
    const schema = schemas[kind];
    if (!schema) {
      const close = closestName(kind, kinds);
      const hint = close ? `did you mean ${close}?` : `${where} tests are ${kinds.join(', ')}`;
      ctx.addIssue({ code: 'custom', message: `unknown test '${kind}': ${hint}` });
      return z.NEVER;
    }
    const parsed = schema.safeParse(args ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: [kind, ...issue.path.map(String)] });
      }
      return z.NEVER;
    }
    return { kind, ...parsed.data };
  });
}

const columnSchema = z
  .strictObject({
    description: z.string().optional(),
    tests: z.array(testEntry(COLUMN_ARGS, 'column')).default([]),
  })
  .nullable()
  .transform((c) => c ?? { tests: [] });

const modelSchema = z
  .strictObject({
    description: z.string().optional(),
    columns: z.record(ident, columnSchema).default({}),
    tests: z.array(testEntry(MODEL_ARGS, 'model')).default([]),
  })
  .nullable()
  .transform((m) => m ?? { columns: {}, tests: [] });

export const modelsFileSchema = z.strictObject({
  version: z.literal(1).default(1),
  models: z.record(ident, modelSchema).default({}),
});

/** One model's entry in a yml file. */
export interface ModelDocs {
  model: string;
  file: string;
  /** Line of the model's key. */
  line: number | null;
  description: string | null;
  columns: Array<{ name: string; description: string | null }>;
  tests: ModelTest[];
}

/** Parses one models/*.yml text; `shown` names the file in messages (models/x.yml). */
export function parseModelsYml(text: string, shown: string): ModelDocs[] {
  const data = parseYaml(text, modelsFileSchema, shown);
  const lines = yamlLines(text);
  return Object.entries(data.models).map(([model, entry]) => {
    const tests: ModelTest[] = [];
    for (const [column, c] of Object.entries(entry.columns)) {
      c.tests.forEach((t, i) => {
        const line = lines.value(['models', model, 'columns', column, 'tests', i]);
        tests.push(toTest(t, { model, file: shown, line, column }));
      });
    }
    entry.tests.forEach((t, i) => {
      tests.push(toTest(t, { model, file: shown, line: lines.value(['models', model, 'tests', i]) }));
    });
    return {
      model,
      file: shown,
      line: lines.key(['models', model]),
      description: entry.description ?? null,
      columns: Object.entries(entry.columns).map(([name, c]) => ({
        name,
        description: c.description ?? null,
      })),
      tests: uniqueIds(tests),
    };
  });
}

interface Place {
  model: string;
  file: string;
  line: number | null;
  column?: string;
}

function toTest(t: { kind: string } & Record<string, unknown>, at: Place): ModelTest {
  const sev: Severity = t['severity'] === 'warn' ? 'warn' : 'error';
  const base = { model: at.model, severity: sev, file: at.file, line: at.line };
  const column = at.column ?? '';
  const str = (k: string): string => String(t[k]);
  switch (t.kind) {
    case 'not_null':
    case 'unique':
      return { ...base, id: `${at.model}.${column}.${t.kind}`, kind: t.kind, column };
    case 'accepted_values':
      return {
        ...base,
        id: `${at.model}.${column}.accepted_values`,
        kind: 'accepted_values',
        column,
        values: t['values'] as AcceptedValue[],
      };
    case 'relationships':
      return {
        ...base,
        id: `${at.model}.${column}.relationships.${str('to')}`,
        kind: 'relationships',
        column,
        to: str('to'),
        field: str('field'),
      };
    case 'row_count': {
      const num = (k: string): number | null => (typeof t[k] === 'number' ? t[k] : null);
      return { ...base, id: `${at.model}.row_count`, kind: 'row_count', min: num('min'), max: num('max') };
    }
    default: {
      const columns = t['columns'] as string[];
      return {
        ...base,
        id: `${at.model}.unique_combination.${columns.join('.')}`,
        kind: 'unique_combination',
        columns,
      };
    }
  }
}

/** Two tests of the same kind on the same column keep apart as id, id#2, … */
function uniqueIds(tests: ModelTest[]): ModelTest[] {
  const seen = new Map<string, number>();
  return tests.map((t) => {
    const n = (seen.get(t.id) ?? 0) + 1;
    seen.set(t.id, n);
    return n === 1 ? t : { ...t, id: `${t.id}#${n}` };
  });
}

/** 1-based lines of nodes in a YAML text: of a value, or of a mapping key. */
export function yamlLines(text: string): {
  value(path: readonly (string | number)[]): number | null;
  key(path: readonly (string | number)[]): number | null;
} {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const lineAt = (offset: number | undefined): number | null =>
    offset === undefined ? null : counter.linePos(offset).line;
  return {
    value: (path) =>
      lineAt((doc.getIn(path, true) as { range?: [number, number, number] } | undefined)?.range?.[0]),
    key: (path) => {
      const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
      const items = (
        parent as { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] } }> } | null
      )?.items;
      const pair = items?.find((p) => p.key?.value === path[path.length - 1]);
      return lineAt(pair?.key?.range?.[0]);
    },
  };
}
