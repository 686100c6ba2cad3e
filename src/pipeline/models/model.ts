// One model: models/<name>.sql, a SELECT templated with Jinja. Two phases:
// parseModel renders once with recording resolvers to learn the config, refs
// and sources (and to surface template errors at load, with their line);
// renderModel renders the SQL of one run with the caller's relations. Both
// render the same template with the same functions, so what load saw is what runs.

import { quoteIdent } from '../engine/sql';
import { ConfigError, UsageError } from '../errors';
import { defaultConfig, validateConfig } from './model-config';
import type { ModelConfig } from './model-config';
import type { ModelTest } from './model-tests';
import { TemplateProblem, callPattern, escapeRegExp, lineOf, renderTemplate, splitArgs } from './template';
import type { TemplateSource } from './template';

export interface ModelDependency {
  kind: 'ref' | 'source';
  name: string;
  /** 1-based line of the first call in the model's file, when found. */
  line: number | null;
}

export interface ColumnDoc {
  name: string;
  description: string | null;
}

export interface Model {
  name: string;
  /** As messages show it: models/<name>.sql. */
  file: string;
  /** The template text. */
  sql: string;
  config: ModelConfig;
  /** Models this one reads, sorted, each once. */
  refs: string[];
  /** Sources this one reads, sorted, each once. */
  sources: string[];
  dependencies: ModelDependency[];
  /** From the model's yml entry, else from config(description=…). */
  description: string | null;
  columns: ColumnDoc[];
  tests: ModelTest[];
  /** The models/*.yml file that documents this model, if any. */
  docsFile: string | null;
  /** lakehouse.yml vars the model was loaded with; var() reads them. */
  vars: Readonly<Record<string, unknown>>;
}

/** What the caller provides for one run. Relations are SQL text inserted verbatim (quote them). */
export interface RenderContext {
  /** The relation that reads source `name` for this run, e.g. a view over its raw files. */
  source(name: string): string;
  /** The relation that reads model `name`, e.g. a view over its Delta table. */
  ref(name: string): string;
  /** The model's own relation (its current table), for incremental logic. */
  this: string;
  /** Half-open date range [startDs, endDs) as YYYY-MM-DD: one partition's day and the next for partitioned models; the requested range, or null, for table and view models. */
  startDs: string | null;
  endDs: string | null;
  /** What is_incremental() returns (default false). */
  isIncremental?: boolean;
  /** Overrides of lakehouse.yml vars for this run (e.g. from the command line). */
  vars?: Readonly<Record<string, unknown>>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Dates the load-time render uses: any valid day works, since output is not kept. */
const PARSE_RANGE = { startDs: '2000-01-01', endDs: '2000-01-02' };

export interface ParseOptions {
  /** As messages show it (default models/<name>.sql). */
  file?: string;
  /** lakehouse.yml vars. */
  vars?: Readonly<Record<string, unknown>>;
}

export function parseModel(text: string, name: string, options: ParseOptions = {}): Model {
  const file = options.file ?? `models/${name}.sql`;
  if (!IDENT.test(name)) {
    throw new ConfigError(
      `${file}: '${name}' cannot be a model name: rename the file to letters, digits and _ (e.g. stg_activity.sql).`,
      { file },
    );
  }
  const vars = options.vars ?? {};
  const uses: Uses = { refs: new Set(), sources: new Set(), config: null };
  recordUses({ file, text }, name, vars, false, uses);
  // Refs inside {% if is_incremental() %} are edges too: render that branch as well.
  if (/\bis_incremental\b/.test(text)) recordUses({ file, text }, name, vars, true, uses);
  const { refs, sources } = uses;
  const finalConfig: ModelConfig = uses.config ?? defaultConfig();
  const dependencies: ModelDependency[] = [
    ...[...refs]
      .sort()
      .map((n) => ({ kind: 'ref' as const, name: n, line: lineOf(text, callPattern('ref', n)) })),
    ...[...sources]
      .sort()
      .map((n) => ({ kind: 'source' as const, name: n, line: lineOf(text, callPattern('source', n)) })),
  ];
  return {
    name,
    file,
    sql: text,
    config: finalConfig,
    refs: [...refs].sort(),
    sources: [...sources].sort(),
    dependencies,
    description: finalConfig.description,
    columns: [],
    tests: [],
    docsFile: null,
    vars,
  };
}

interface Uses {
  refs: Set<string>;
  sources: Set<string>;
  /** From the first render that calls config(). */
  config: ModelConfig | null;
}

/** Renders with resolvers that record each source() and ref() and the config() call. */
function recordUses(
  src: TemplateSource,
  name: string,
  vars: Readonly<Record<string, unknown>>,
  isIncremental: boolean,
  uses: Uses,
): void {
  let calls = 0;
  renderTemplate(
    src,
    templateContext({
      vars,
      ctx: {
        ...PARSE_RANGE,
        this: quoteIdent(name),
        isIncremental,
        source: (n) => (uses.sources.add(n), quoteIdent(n)),
        ref: (n) => (uses.refs.add(n), quoteIdent(n)),
      },
      onConfig: (args) => {
        if (++calls > 1) throw new TemplateProblem('config() is called twice: merge the calls into one');
        const config = configFromArgs(args);
        uses.config ??= config;
      },
    }),
  );
}

/** The SQL of one run: one SELECT, without trailing semicolons. */
/** Whether a model's template uses `this` or `is_incremental()` (inside {{ }} or {% %}, not in comments). */
export function readsItself(model: Pick<Model, 'sql'>): boolean {
  return /\{[{%](?:(?![%}]\}).)*\b(?:this|is_incremental)\b/s.test(model.sql);
}

export function renderModel(model: Model, ctx: RenderContext): string {
  checkRange(model, ctx);
  const refs = new Set(model.refs);
  const sources = new Set(model.sources);
  const sql = renderTemplate(
    { file: model.file, text: model.sql },
    templateContext({
      vars: { ...model.vars, ...ctx.vars },
      ctx: {
        ...ctx,
        ref: (n) => (refs.has(n) ? relation(ctx.ref(n), 'ref', n) : notLoaded('ref', n)),
        source: (n) => (sources.has(n) ? relation(ctx.source(n), 'source', n) : notLoaded('source', n)),
      },
      onConfig: () => undefined,
    }),
  );
  const trimmed = sql.trim().replace(/(;\s*)+$/, '');
  if (trimmed === '') {
    throw new ConfigError(`${model.file}: renders to no SQL: write one SELECT after the config() call.`, {
      file: model.file,
    });
  }
  return trimmed;
}

function checkRange(model: Model, ctx: RenderContext): void {
  for (const [key, value] of [
    ['startDs', ctx.startDs],
    ['endDs', ctx.endDs],
  ] as const) {
    if (value !== null && !DATE.test(value))
      throw new UsageError(`${key} must be a date like 2024-05-01 (got '${value}').`);
  }
  if ((ctx.startDs === null) !== (ctx.endDs === null)) {
    throw new UsageError('startDs and endDs are set together or not at all.');
  }
  if (ctx.startDs !== null && ctx.endDs !== null && ctx.startDs >= ctx.endDs) {
    throw new UsageError(
      `The range [${ctx.startDs}, ${ctx.endDs}) is empty: endDs is exclusive and must come after startDs.`,
    );
  }
  if (model.config.materialized === 'partitioned' && ctx.startDs === null) {
    throw new UsageError(`${model.name} is partitioned: render it with the partition's startDs and endDs.`);
  }
}

function relation(value: unknown, kind: 'ref' | 'source', name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`The ${kind} resolver returned no relation for '${name}'.`);
  }
  return value;
}

function notLoaded(kind: 'ref' | 'source', name: string): never {
  throw new TemplateProblem(
    `${kind}('${name}') is reached only in this run, not when the model was loaded, so the DAG does not know it: ` +
      `call ${kind}() outside conditions on dates (conditions on is_incremental() are fine)`,
    callPattern(kind, name),
  );
}

interface ContextParts {
  vars: Readonly<Record<string, unknown>>;
  ctx: Omit<RenderContext, 'vars'>;
  onConfig: (args: readonly unknown[]) => void;
}

/** The names a model's template sees. */
function templateContext({ vars, ctx, onConfig }: ContextParts): Record<string, unknown> {
  return {
    config: (...args: unknown[]) => (onConfig(args), ''),
    source: (...args: unknown[]) => ctx.source(nameArg('source', "source('activity')", args)),
    ref: (...args: unknown[]) => ctx.ref(nameArg('ref', "ref('stg_activity')", args)),
    var: (...args: unknown[]) => varValue(vars, args),
    is_incremental: () => ctx.isIncremental ?? false,
    start_ds: ctx.startDs,
    end_ds: ctx.endDs,
    this: ctx.this,
  };
}

function nameArg(fn: string, example: string, args: readonly unknown[]): string {
  const { positional, keywords } = splitArgs(args);
  const name = positional[0];
  if (positional.length !== 1 || Object.keys(keywords).length > 0 || typeof name !== 'string') {
    throw new TemplateProblem(`${fn}() takes one quoted name, e.g. ${example}`, new RegExp(`\\b${fn}\\(`));
  }
  return name;
}

function varValue(vars: Readonly<Record<string, unknown>>, args: readonly unknown[]): unknown {
  const { positional, keywords } = splitArgs(args);
  const name = positional[0];
  if (typeof name !== 'string') {
    throw new TemplateProblem("var() takes the variable's quoted name, e.g. var('country', 'ES')", /\bvar\(/);
  }
  if (Object.hasOwn(vars, name)) return vars[name];
  if (positional.length > 1) return positional[1];
  if (Object.hasOwn(keywords, 'default')) return keywords['default'];
  throw new TemplateProblem(
    `var('${name}') is not set: add it under vars: in lakehouse.yml, or give a default: var('${name}', <value>)`,
    new RegExp(`\\bvar\\(\\s*['"]${escapeRegExp(name)}['"]`),
  );
}

function configFromArgs(args: readonly unknown[]): ModelConfig {
  const { positional, keywords } = splitArgs(args);
  if (positional.length > 0) {
    throw new TemplateProblem("config() takes keyword arguments only, e.g. config(materialized='table')");
  }
  const result = validateConfig(keywords);
  if (result.ok) return result.config;
  const { key, message } = result.problem;
  throw new TemplateProblem(
    key === null ? `config(): ${message}` : `config(${key}=…): ${message}`,
    key === null ? undefined : new RegExp(`\\b${escapeRegExp(key)}\\s*=`),
  );
}
