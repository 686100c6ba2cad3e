// What an adapter needs to connect, resolved from a lakehouse.yml target and
// the secret store, the connect step both adapters share, and the
// connect-failure messages: each names the target, the server and what to change.

import type { PublishAuthKind } from '../../shared/contract';
import { describeTarget, PublishError, serverCode, serverMessage } from './errors';
import type { TargetLabel } from './errors';

export interface ConnectionSettings extends TargetLabel {
  schema: string;
  auth: PublishAuthKind;
  user: string | null;
  password: string | null;
  domain: string | null;
  clientId: string | null;
  tenantId: string | null;
  encrypt: boolean;
  trustServerCertificate: boolean;
  /** Where the password came from, for messages ("the environment variable PG_PASSWORD"). */
  passwordSource: string;
  connectTimeoutMs: number;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ESOCKET',
  'ETIMEOUT',
]);

function codes(err: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && typeof cur === 'object' && cur !== null; i++) {
    const e = cur as {
      code?: unknown;
      errno?: unknown;
      number?: unknown;
      originalError?: unknown;
      cause?: unknown;
    };
    for (const v of [e.code, e.errno, e.number]) if (v !== undefined) out.push(String(v));
    cur = e.originalError ?? e.cause;
  }
  return out;
}

/** A failed connect as a PublishError: wrong login, unreachable server, missing database, or the server's word. */
export function connectError(s: ConnectionSettings, err: unknown): PublishError {
  const where = describeTarget(s);
  const message = serverMessage(err);
  const all = codes(err);
  const details = { target: s.target, server: s.server, port: s.port, code: serverCode(err) };
  // PostgreSQL 28P01/28000, SQL Server 18456 (login failed), tedious ELOGIN.
  if (all.some((c) => c === '28P01' || c === '28000' || c === '18456' || c === 'ELOGIN')) {
    const who = s.user ? `user '${s.user}'` : 'the login';
    return new PublishError(
      'auth',
      `${where} refused ${who}: ${message}. Check the user in lakehouse.yml and the password (${s.passwordSource}).`,
      details,
      { cause: err },
    );
  }
  if (all.includes('3D000') || all.includes('4060')) {
    return new PublishError(
      'server',
      `${where}: the database '${s.database}' does not exist or cannot be opened (${message}). Create it, or fix 'database' in lakehouse.yml.`,
      details,
      { cause: err },
    );
  }
  if (/SSL|TLS|certificate/i.test(message)) {
    return new PublishError(
      'server',
      `${where}: the encrypted connection failed (${message}). Set encrypt: false in lakehouse.yml for a server without TLS, or trust_server_certificate: true for a self-signed certificate you trust.`,
      details,
      { cause: err },
    );
  }
  if (all.some((c) => UNREACHABLE.has(c)) || /timeout|timed out|connect/i.test(message)) {
    return new PublishError(
      'unreachable',
      `Cannot reach ${where}: ${message}. Check 'server' and 'port' in lakehouse.yml, that the server is running and accepts TCP connections there, and any firewall or VPN in between.`,
      details,
      { cause: err },
    );
  }
  return new PublishError('server', `${where} refused the connection: ${message}`, details, { cause: err });
}

/**
 * Runs `open` (connect and configure the session); when it fails, `close`s
 * whatever was opened and throws connectError, which names the target and the fix.
 */
export async function openOrClose(
  s: ConnectionSettings,
  open: () => Promise<void>,
  close: () => Promise<void>,
): Promise<void> {
  try {
    await open();
  } catch (err) {
    await close().catch(() => undefined);
    throw connectError(s, err);
  }
}
