// Engine settings with sane defaults, and the SQL that applies them. The explore
// instance adds the sandbox: no file access outside the lake, no extension
// downloads, and a locked configuration, applied last so nothing can undo it.

import os from 'node:os';
import path from 'node:path';
import { quoteList, quoteLiteral } from './sql';

export interface EngineSettings {
  /** DuckDB worker threads; default: every core. */
  threads: number;
  /** DuckDB's memory limit, e.g. '4GB' or '60%'; default: 40% of RAM. */
  memoryLimit: string;
  /** Where DuckDB spills what does not fit in memory; default: a folder under the OS temp dir. */
  tempDirectory: string;
  /** Session time zone; UTC so results do not depend on the machine. */
  timezone: string;
}

export interface SandboxSettings {
  /** Folders an editor query may read (the lake). Everything else is refused. */
  allowedDirectories: string[];
}

export function defaultEngineSettings(instance: string): EngineSettings {
  const gb = Math.max(1, Math.floor((os.totalmem() * 0.4) / 1024 ** 3));
  return {
    threads: Math.max(1, os.availableParallelism()),
    memoryLimit: `${gb}GB`,
    tempDirectory: path.join(os.tmpdir(), 'lakehouse-spill', `${process.pid}-${instance}`),
    timezone: 'UTC',
  };
}

const MEMORY_LIMIT = /^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)\s*$/i;

/** Checks settings a user can write in lakehouse.yml; returns messages naming the fix. */
export function validateEngineSettings(s: Partial<EngineSettings>): string[] {
  const problems: string[] = [];
  if (s.threads !== undefined && (!Number.isInteger(s.threads) || s.threads < 1 || s.threads > 1024)) {
    problems.push(`engine.threads must be a whole number from 1 to 1024 (got ${String(s.threads)}).`);
  }
  if (s.memoryLimit !== undefined && !MEMORY_LIMIT.test(s.memoryLimit)) {
    problems.push(`engine.memory_limit must look like '4GB', '512MB' or '50%' (got '${s.memoryLimit}').`);
  }
  return problems;
}

/** Statements that configure an instance; the sandbox statements come last. */
export function settingsSql(s: EngineSettings, sandbox: SandboxSettings | null): string[] {
  return baseSettingsSql(s, sandbox !== null).concat(sandbox ? sandboxSql(sandbox) : []);
}

/** Everything but the sandbox, which must come after the setup statements (they may read files). */
export function baseSettingsSql(s: EngineSettings, sandboxed: boolean): string[] {
  const stmts = [
    `SET GLOBAL threads = ${Math.floor(s.threads)}`,
    `SET GLOBAL memory_limit = ${quoteLiteral(s.memoryLimit)}`,
    `SET GLOBAL temp_directory = ${quoteLiteral(s.tempDirectory)}`,
    `SET GLOBAL TimeZone = ${quoteLiteral(s.timezone)}`,
    'SET GLOBAL autoinstall_known_extensions = false',
    'SET GLOBAL autoload_known_extensions = false',
  ];
  // The pipeline instance writes with COPY … PARTITION_BY, whose buffers insertion-order
  // preservation multiplies; its queries order explicitly where order matters.
  if (!sandboxed) stmts.push('SET GLOBAL preserve_insertion_order = false');
  return stmts;
}

export function sandboxSql(sandbox: SandboxSettings): string[] {
  return [
    `SET allowed_directories = ${quoteList(sandbox.allowedDirectories.map(withTrailingSep))}`,
    'SET GLOBAL enable_external_access = false',
  ];
}

/** Without the separator, an allowed '/data/lake' would also allow '/data/lake-secrets'. */
function withTrailingSep(dir: string): string {
  const abs = path.resolve(dir);
  return abs.endsWith(path.sep) ? abs : abs + path.sep;
}

export const LOCK_SQL = 'SET lock_configuration = true';

/**
 * Per-connection settings. DuckDB keeps these per connection and refuses them
 * once the configuration is locked, so the engine sets them on every pooled
 * connection before it locks.
 */
export const CONNECTION_SQL = [
  'SET enable_progress_bar = true',
  'SET enable_progress_bar_print = false',
  // DuckDB starts measuring progress only after this many ms (2000 by default).
  'SET progress_bar_time = 100',
];
