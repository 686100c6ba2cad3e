// Publish errors: one PublishError class whose message names the target, the
// server and the fix, and the rule that says which server errors are transient
// (retried with backoff, the partition started over) and which are final.

import { PipelineError } from '../errors';
import type { ErrorCode } from '../../shared/errors';

export type PublishFailure = 'auth' | 'unreachable' | 'server' | 'schema' | 'transient';

export class PublishError extends PipelineError {
  override readonly name = 'PublishError';
  constructor(
    readonly failure: PublishFailure,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    const code: ErrorCode = failure === 'schema' ? 'CONFIG' : 'IO';
    super(code, message, { failure, ...details }, options);
  }
}

/** What the adapters know about a target, for messages. */
export interface TargetLabel {
  target: string;
  server: string;
  port: number;
  database: string;
}

export function describeTarget(t: TargetLabel): string {
  return `target '${t.target}' (${t.server}:${t.port}, database ${t.database})`;
}

interface ErrorShape {
  code?: unknown;
  number?: unknown;
  errno?: unknown;
  originalError?: unknown;
  cause?: unknown;
  message?: unknown;
}

function shape(err: unknown): ErrorShape {
  return typeof err === 'object' && err !== null ? (err as ErrorShape) : {};
}

/** Every error in the chain (mssql wraps tedious errors in originalError). */
function chain(err: unknown): ErrorShape[] {
  const out: ErrorShape[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && typeof cur === 'object' && cur !== null; i++) {
    const s = shape(cur);
    out.push(s);
    cur = s.originalError ?? s.cause;
  }
  return out;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ESOCKET',
  'ETIMEOUT',
  'ECONNCLOSED',
  'ENOTOPEN',
  'ECLOSE',
]);
/** SQL Server: deadlock victim, lock timeout, database/service busy or failing over. */
const MSSQL_TRANSIENT = new Set([1205, 1222, 40197, 40501, 40613, 49918, 49919, 49920, 4060, 10928, 10929]);
/** PostgreSQL SQLSTATEs: serialization failure, deadlock, admin/crash shutdown, cannot connect now. */
const PG_TRANSIENT = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300']);

/** True when running the same partition again may succeed: deadlocks, timeouts, dropped connections. */
export function isTransient(err: unknown): boolean {
  if (err instanceof PublishError) return err.failure === 'transient';
  for (const e of chain(err)) {
    if (typeof e.number === 'number' && MSSQL_TRANSIENT.has(e.number)) return true;
    if (typeof e.code === 'string' && (PG_TRANSIENT.has(e.code) || NETWORK_CODES.has(e.code))) return true;
    if (typeof e.errno === 'string' && NETWORK_CODES.has(e.errno)) return true;
    const m = typeof e.message === 'string' ? e.message : '';
    if (
      /Connection terminated|A severe error occurred on the current command|connection.*(closed|lost|ended)|socket hang up|read ECONNRESET|Timeout: Request failed/i.test(
        m,
      )
    )
      return true;
  }
  return false;
}

/** The server's own message, without driver prefixes. */
export function serverMessage(err: unknown): string {
  for (const e of chain(err)) {
    if (typeof e.message === 'string' && e.message.trim() !== '') return e.message.trim();
  }
  return String(err);
}

/** The SQLSTATE or error number, when the server gave one. */
export function serverCode(err: unknown): string | undefined {
  for (const e of chain(err)) {
    if (typeof e.number === 'number') return String(e.number);
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}
