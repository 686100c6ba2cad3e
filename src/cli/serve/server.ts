// The browser door to the Workbench service: HTTP + WebSocket on 127.0.0.1. POST /api/<method>
// carries one call (JSON in, Outcome JSON out), the socket at EVENTS_PATH pushes every service
// event to every connected page, and the rest serves the built renderer and export downloads.
// Every call, socket and download must carry this start's token; see guard.ts for why.

import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { PipelineError, UsageError } from '../../pipeline';
import type { WebSocket } from 'ws';
import { EVENTS_PATH, SERVICE_EVENTS, TOKEN_PARAM } from '../../shared/contract';
import type { EventMessage, WorkbenchService } from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import type { WireError } from '../../shared/errors';
import { dispatch } from './dispatch';
import { checkAddress, checkToken, newToken } from './guard';
import { BASE_HEADERS, serveExport, serveRenderer } from './static-files';

/** Largest request body accepted (a query's SQL is capped at 1M characters by the contract). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface ServeOptions {
  service: WorkbenchService;
  /** The built renderer (index.html + assets); null serves the API only. */
  rendererDir: string | null;
  /** 0 picks a free port. */
  port?: number;
  /** Only loopback addresses are accepted. */
  host?: string;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  /**
   * Settles when the service is ready (the lake is open): API calls and downloads wait for it,
   * so the server can listen, and the page load, while the lake is still opening.
   */
  ready?: Promise<unknown>;
}

export interface ServeHandle {
  readonly port: number;
  readonly token: string;
  /** The URL to open: `http://127.0.0.1:<port>/?token=…`. */
  readonly url: string;
  /** Connected event sockets, for tests and logs. */
  readonly clients: () => number;
  /** Stops accepting, closes every socket and connection; the service is the caller's to dispose. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: WireError): void {
  sendJson(res, status, { ok: false, error });
}

function transportError(message: string, name = 'TransportError'): WireError {
  return { name, code: 'USAGE', message };
}

/** Reads a JSON body up to the limit; `undefined` for an empty body. */
function readJson(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; status: 400 | 413 }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        resolve({ ok: false, status: 413 });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({ ok: true, value: undefined });
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        resolve({ ok: false, status: 400 });
      }
    });
    req.on('error', () => {
      if (!done) resolve({ ok: false, status: 400 });
      done = true;
    });
  });
}

/** What the request handlers share: the service, this start's token and the bound port. */
interface Session {
  service: WorkbenchService;
  token: string;
  port: number;
  ready: Promise<unknown>;
}

/** Checks this start's token; when it is missing or wrong, answers the request itself and returns false. */
function authorized(session: Session, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  const auth = checkToken(req, url, session.token);
  if (auth === null) return true;
  sendError(res, auth.status, transportError(auth.message, 'UnauthorizedError'));
  return false;
}

/** POST /api/<method>: token, method, content type, body, then the call. */
async function handleApi(
  session: Session,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (!authorized(session, req, res, url)) return;
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return sendError(res, 405, transportError(`Use POST for ${url.pathname}, with the arguments as JSON.`));
  }
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return sendError(
      res,
      415,
      transportError('Send the arguments as JSON (content-type: application/json).'),
    );
  }
  const body = await readJson(req);
  if (!body.ok) {
    const message =
      body.status === 413
        ? `The request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`
        : 'The request body is not valid JSON.';
    return sendError(res, body.status, transportError(message));
  }
  await session.ready;
  const result = await dispatch(session.service, url.pathname.slice('/api/'.length), body.value);
  sendJson(res, result.status, result.outcome);
}

/** GET /files/<path>: an export of the lake open now, with the token. */
async function handleFiles(
  session: Session,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (!authorized(session, req, res, url)) return;
  await session.ready;
  const lake = await session.service.call('lake.current', {}).catch(() => null);
  const served =
    lake !== null &&
    (await serveExport(res, lake.path, url.pathname.slice('/files/'.length), req.method ?? 'GET'));
  if (!served) sendError(res, 404, transportError(`No exported file at ${url.pathname}.`, 'NotFoundError'));
}

async function handleRequest(
  session: Session,
  rendererDir: string | null,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const address = checkAddress(req, session.port);
  if (address !== null)
    return sendError(res, address.status, transportError(address.message, 'ForbiddenError'));
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${session.port}`);
  const method = req.method ?? 'GET';
  if (url.pathname.startsWith('/api/')) return handleApi(session, req, res, url);
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendError(res, 405, transportError(`${method} is not allowed on ${url.pathname}.`));
  }
  if (url.pathname.startsWith('/files/')) return handleFiles(session, req, res, url);
  if (rendererDir !== null && (await serveRenderer(res, rendererDir, url.pathname, method))) return;
  if (url.pathname === '/favicon.ico') {
    // Browsers ask for it unprompted; a 404 would show up as a console error on every load.
    res.writeHead(204, { ...BASE_HEADERS, 'cache-control': 'public, max-age=86400' });
    res.end();
    return;
  }
  sendError(res, 404, transportError(`Nothing at ${url.pathname}.`, 'NotFoundError'));
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const text = JSON.stringify({ ok: false, error: transportError(message) });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}

/** Listens, turning a taken port into an error that says what to do. */
function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        err.code === 'EADDRINUSE'
          ? new PipelineError(
              'IO',
              `Port ${port} on ${host} is already in use. Choose another with --port, or --port 0 for any free port.`,
            )
          : err,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      // A TCP listener reports an AddressInfo; a string would be a pipe or socket path.
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** The `upgrade` handler: a socket at EVENTS_PATH from this machine with the token joins `sockets`. */
function acceptEvents(
  session: Session,
  wss: WebSocketServer,
  sockets: Set<WebSocket>,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${session.port}`);
    if (url.pathname !== EVENTS_PATH) return refuseUpgrade(socket, 404, `Events are at ${EVENTS_PATH}.`);
    const problem = checkAddress(req, session.port) ?? checkToken(req, url, session.token);
    if (problem !== null) return refuseUpgrade(socket, problem.status, problem.message);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      // The socket only pushes; anything a page sends is ignored.
    });
  };
}

/** Sends every service event to every open socket; disposing the subscriptions stops it. */
function broadcastEvents(service: WorkbenchService, sockets: ReadonlySet<WebSocket>): Disposable[] {
  return SERVICE_EVENTS.map((event) =>
    service.on(event, (payload) => {
      const text = JSON.stringify({ event, payload } satisfies EventMessage);
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
    }),
  );
}

export async function startServer(options: ServeOptions): Promise<ServeHandle> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new UsageError(
      `The workbench server binds only to loopback addresses, not '${host}': the token in the URL is the only protection, and it is sent unencrypted. Use --host 127.0.0.1 (the default), localhost or ::1.`,
    );
  }
  const session: Session = {
    service: options.service,
    token: options.token ?? newToken(),
    port: 0,
    // A failed start is the command's to report; calls then go on to the service's own answer.
    ready: (options.ready ?? Promise.resolve()).catch(() => undefined),
  };
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const server = http.createServer((req, res) => {
    handleRequest(session, options.rendererDir, req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendError(res, 500, { name: 'InternalError', code: 'INTERNAL', message: String(err) });
    });
  });

  server.on('upgrade', acceptEvents(session, wss, sockets));

  session.port = await listen(server, options.port ?? 0, host);
  const subscriptions = broadcastEvents(options.service, sockets);
  const shownHost = host === '::1' ? '[::1]' : host;

  return {
    port: session.port,
    token: session.token,
    url: `http://${shownHost}:${session.port}/?${TOKEN_PARAM}=${session.token}`,
    clients: () => sockets.size,
    async close() {
      for (const s of subscriptions) await s.dispose();
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
