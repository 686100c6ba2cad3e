// Jinja templating of model SQL through nunjucks: one environment (no loader,
// no autoescape: the output is SQL, not HTML), compiled templates cached by
// file and text, and every nunjucks failure turned into a ConfigError naming
// the file, the 1-based line and the fix. Rendering is synchronous and pure:
// the same text and context give the same SQL.

import nunjucks from 'nunjucks';
import { ConfigError } from '../errors';

/**
 * Thrown by the functions a template calls (config, ref, var …) to report a
 * mistake at the call site. `at` finds a more precise line at or after the
 * call's line, e.g. the line of one key of a config() spread over several lines.
 */
export class TemplateProblem extends Error {
  constructor(
    message: string,
    readonly at?: RegExp,
  ) {
    super(message);
  }
}

export interface TemplateSource {
  /** As messages show it: models/<name>.sql. */
  file: string;
  text: string;
}

/** What models may call; named in the message about an unknown function. */
const KNOWN_FUNCTIONS = 'config(), source(), ref(), var() and is_incremental()';

// dev: true keeps nunjucks' TemplateError (with lineno and the cause we threw)
// instead of a plain Error carrying only the message.
const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, dev: true });

const CACHE_SIZE = 500;
const cache = new Map<string, nunjucks.Template>();

/** The compiled template; a syntax error becomes a ConfigError with its line. */
export function compileTemplate(src: TemplateSource): nunjucks.Template {
  const key = `${src.file}\0${src.text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let template: nunjucks.Template;
  try {
    template = new nunjucks.Template(src.text, env, src.file, true);
  } catch (err) {
    // The parser reports 1-based lines; "end of file" errors carry none: point at the last line.
    const line = templateLine(err) ?? src.text.split('\n').length;
    throw located(
      src,
      line,
      `template syntax error: ${bareMessage(err)}. Fix the {{ }} / {% %} markup there.`,
    );
  }
  if (cache.size >= CACHE_SIZE) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, template);
  return template;
}

export function renderTemplate(src: TemplateSource, context: Readonly<Record<string, unknown>>): string {
  const template = compileTemplate(src);
  try {
    return template.render({ ...context });
  } catch (err) {
    throw renderError(src, err);
  }
}

function renderError(src: TemplateSource, err: unknown): ConfigError {
  const cause = err instanceof Error ? err.cause : undefined;
  const raw = templateLine(err);
  // nunjucks' runtime errors carry the 0-based line of the call they wrap (those have a
  // cause); its own "output undefined" check reports 1-based lines and has no cause.
  const line = raw === null ? null : cause !== undefined ? raw + 1 : raw;
  if (cause instanceof ConfigError) return cause;
  if (cause instanceof TemplateProblem) {
    const precise = line !== null && cause.at ? lineOf(src.text, cause.at, line) : null;
    return located(src, precise ?? line, cause.message);
  }
  const message = bareMessage(err);
  const unknown = /Unable to call `([^`]+)`/.exec(message);
  if (unknown) {
    return located(src, line, `unknown function ${unknown[1] ?? ''}(): models can call ${KNOWN_FUNCTIONS}`);
  }
  if (message.startsWith('attempted to output null or undefined value')) {
    return located(
      src,
      line,
      '{{ … }} outputs a name that is not defined or is null: models know start_ds, end_ds and this ' +
        '(start_ds and end_ds are null for table and view models rendered without a date range); ' +
        "use {{ var('name', default) }} for project variables",
    );
  }
  if (cause instanceof Error) return located(src, line, cause.message);
  return located(src, line, `template error: ${message}`);
}

function located(src: TemplateSource, line: number | null, message: string): ConfigError {
  const where = line === null ? src.file : `${src.file}:${line}`;
  return new ConfigError(
    `${where}: ${message}`,
    line === null ? { file: src.file } : { file: src.file, line },
  );
}

function templateLine(err: unknown): number | null {
  if (typeof err !== 'object' || err === null || !('lineno' in err)) return null;
  const n = err.lineno;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** nunjucks' message without its "(file) [Line n, Column m]" prefix. */
function bareMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^\([^\n]*\)(?: \[Line \d+(?:, Column \d+)?\])?\s*/, '').trim();
}

/** The 1-based line of the first match of `pattern` at or after line `from`, or null. */
export function lineOf(text: string, pattern: RegExp, from = 1): number | null {
  const lines = text.split('\n');
  for (let i = Math.max(0, from - 1); i < lines.length; i++) {
    if (pattern.test(lines[i] ?? '')) return i + 1;
  }
  return null;
}

/** A regex matching a call of `fn` with the quoted first argument `name`: ref('x'), ref("x"). */
export function callPattern(fn: string, name: string): RegExp {
  return new RegExp(`\\b${fn}\\(\\s*['"]${escapeRegExp(name)}['"]`);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface CallArgs {
  positional: unknown[];
  keywords: Record<string, unknown>;
}

/** nunjucks passes keyword arguments as a last object marked __keywords. */
export function splitArgs(args: readonly unknown[]): CallArgs {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && '__keywords' in last) {
    const keywords: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(last)) if (k !== '__keywords') keywords[k] = v;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}
