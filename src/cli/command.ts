// A small command framework over node:util parseArgs: each command declares its
// positionals and options once, and from that come parsing, `--help` text and
// usage errors (exit 2). Commands return an exit code; they never call exit.

import { parseArgs } from 'node:util';
import { isDate, UsageError } from '../pipeline';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in help as `--name <value>`. */
  value?: string;
  description: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  optional?: boolean;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars) — plain lines otherwise. */
  interactive: boolean;
}

export interface CommandContext {
  args: Record<string, string>;
  options: Record<string, string | boolean | undefined>;
  io: Io;
  signal: AbortSignal;
}

export interface Command {
  name: string;
  summary: string;
  description?: string;
  positionals: PositionalSpec[];
  options: Record<string, OptionSpec>;
  examples?: string[];
  run(ctx: CommandContext): Promise<number>;
}

/** A wrong command line: exit code 2 and a pointer to --help. */
export class CliUsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export function parseCommandLine(
  command: Command,
  argv: string[],
): { args: Record<string, string>; options: Record<string, string | boolean | undefined>; help: boolean } {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, o]) => [
      name,
      o.short ? { type: o.type, short: o.short } : { type: o.type },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CliUsageError(
      (err instanceof Error ? err.message : String(err)).replace(/\. To specify.*$/s, '.'),
      command.name,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values['help']) return { args: {}, options: values, help: true };
  const args: Record<string, string> = {};
  const required = command.positionals.filter((p) => !p.optional);
  if (parsed.positionals.length < required.length) {
    const missing = required.slice(parsed.positionals.length).map((p) => `<${p.name}>`);
    throw new CliUsageError(`missing ${missing.join(' ')}`, command.name);
  }
  if (parsed.positionals.length > command.positionals.length) {
    const extra = parsed.positionals.slice(command.positionals.length).join(' ');
    throw new CliUsageError(`unexpected argument: ${extra}`, command.name);
  }
  command.positionals.forEach((p, i) => {
    const v = parsed.positionals[i];
    if (v !== undefined) args[p.name] = v;
  });
  return { args, options: values, help: false };
}

export function commandHelp(command: Command): string {
  const pos = command.positionals.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`)).join(' ');
  const lines = [`Usage: lakehouse ${command.name} ${pos} [options]`, '', command.summary];
  if (command.description) lines.push('', command.description);
  if (command.positionals.length) {
    lines.push('', 'Arguments:');
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(22)} ${p.description}`);
  }
  lines.push('', 'Options:');
  const entries = Object.entries(command.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}`;
    return [flag, o.description] as const;
  });
  entries.push(['-h, --help', 'Show this help.']);
  const width = Math.max(...entries.map(([f]) => f.length)) + 2;
  for (const [flag, desc] of entries) lines.push(`  ${flag.padEnd(width)}${desc}`);
  if (command.examples?.length) {
    lines.push('', 'Examples:');
    for (const e of command.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n') + '\n';
}

/** Option readers that turn bad values into usage errors naming the option. */
export function intOption(
  value: string | boolean | undefined,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw new UsageError(
      `--${name} must be a whole number from ${range.min} to ${range.max} (got ${String(value)}).`,
    );
  }
  return n;
}

export function dateOption(value: string | boolean | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isDate(value)) {
    throw new UsageError(`--${name} must be a date like 2024-05-01 (got ${String(value)}).`);
  }
  return value;
}

/** --from/--to as every command that takes a range of days declares them. */
export const DAY_RANGE_OPTIONS: Record<'from' | 'to', OptionSpec> = {
  from: { type: 'string', value: 'date', description: 'First day (inclusive).' },
  to: { type: 'string', value: 'date', description: 'Last day (inclusive; default: --from).' },
};

/** The --from/--to days as given (each checked); a --to without --from is a usage error. */
export function dayRangeOptions(options: CommandContext['options']): { from?: string; to?: string } {
  const from = dateOption(options['from'], 'from');
  const to = dateOption(options['to'], 'to');
  if (to && !from) throw new UsageError('--to needs --from: give the first day too, e.g. --from 2024-05-01.');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

export function choiceOption<T extends string>(
  value: string | boolean | undefined,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got ${String(value)}).`);
}
