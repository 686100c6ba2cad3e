// Who may talk to `lakehouse serve`: a caller that presents this start's random token and
// addresses the server by its loopback name. The token stops other local users and web pages
// from calling the service; the Host/Origin check stops DNS rebinding (a hostile page whose
// name resolves to 127.0.0.1 would otherwise be same-origin with us).

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER, TOKEN_PARAM } from '../../shared/contract';

/** A fresh session token: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token a request carries, in the header or the query string (WebSocket, download links). */
export function tokenOf(req: IncomingMessage, url: URL): string | null {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string' && header !== '') return header;
  const param = url.searchParams.get(TOKEN_PARAM);
  return param === null || param === '' ? null : param;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True when a `host[:port]` names this server on loopback (the port must be ours when given). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined || host === '') return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  if (match === null) return false;
  const [, name, portText] = match;
  if (name === undefined || !LOOPBACK_NAMES.has(name)) return false;
  return portText === undefined || Number(portText) === port;
}

/** An absent Origin (curl, scripts, same-origin GETs) is fine; a present one must be us. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return url.protocol === 'http:' && isLoopbackHost(url.host, port);
}

export type GuardFailure = { status: 401 | 403; code: 'USAGE'; message: string };

/** Checks where a request claims to go and come from; null when it may proceed. */
export function checkAddress(req: IncomingMessage, port: number): GuardFailure | null {
  if (!isLoopbackHost(req.headers.host, port)) {
    return {
      status: 403,
      code: 'USAGE',
      message: `Refused a request for host '${req.headers.host ?? ''}': lakehouse serve answers only at http://127.0.0.1:${port}/. Open the URL it printed.`,
    };
  }
  if (!isAllowedOrigin(req.headers.origin, port)) {
    return {
      status: 403,
      code: 'USAGE',
      message: `Refused a request from origin '${req.headers.origin ?? ''}': only pages served by this lakehouse serve may call it.`,
    };
  }
  return null;
}

/** Checks the token; null when it matches. */
export function checkToken(req: IncomingMessage, url: URL, token: string): GuardFailure | null {
  if (tokenMatches(tokenOf(req, url), token)) return null;
  return {
    status: 401,
    code: 'USAGE',
    message: `Missing or wrong session token. Open the URL that lakehouse serve printed (it ends in ?${TOKEN_PARAM}=…); a restarted server has a new token.`,
  };
}
