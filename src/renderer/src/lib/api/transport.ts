// The two ways the renderer reaches the Workbench service: the preload bridge
// (IPC) inside Electron, and HTTP + WebSocket against `lakehouse serve` in a
// browser. Both deliver `Outcome`s for calls and `EventMessage`s for events;
// the api module above them does not know which one it has. The browser objects it needs
// (location, storage, fetch, WebSocket) come in as small structural types, so unit tests run it
// in Node with fakes.

import { EVENTS_PATH, TOKEN_HEADER, TOKEN_PARAM, isServiceEvent, routeOf } from '../../../../shared/contract';
import type { EventMessage, ServiceMethod } from '../../../../shared/contract';
import type { LakehouseBridge } from '../../../../shared/bridge';
import type { Outcome } from '../../../../shared/errors';
import { isWireError } from '../../../../shared/errors';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  call(method: ServiceMethod, args: unknown): Promise<Outcome<unknown>>;
  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: (message: EventMessage) => void): () => void;
  /** Connection state changes (browser mode: the event socket dropped or came back). */
  onConnection(listener: (connected: boolean) => void): () => void;
}

export function ipcTransport(bridge: LakehouseBridge): Transport {
  return {
    kind: 'ipc',
    call: (method, args) => bridge.call(method, args),
    onEvent: (listener) => bridge.onEvent(listener),
    onConnection: () => () => undefined,
  };
}

/** Where the page was served from and the session token it was opened with. */
export interface HttpEndpoint {
  origin: string;
  token: string;
}

/** The parts of `window.location` and `sessionStorage` the transport reads. */
export interface LocationLike {
  readonly origin: string;
  readonly search: string;
}
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * A handler property checked bivariantly (as methods are), so the DOM's WebSocket, whose
 * handlers take Event and MessageEvent, fits this structural type.
 */
type Handler<E> = { bivariance(event: E): void }['bivariance'] | null;

/** The parts of a browser WebSocket the transport uses. */
export interface SocketLike {
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: unknown }>;
  onclose: Handler<unknown>;
  close(): void;
}
export type SocketFactory = new (url: string) => SocketLike;
export type FetchLike = (url: URL, init: RequestInit) => Promise<Pick<Response, 'status' | 'json'>>;

/** Reads the token from the page URL (`?token=`), kept in sessionStorage so a reload keeps working. */
export function endpointFromLocation(location: LocationLike, storage: StorageLike | null): HttpEndpoint {
  const fromUrl = new URLSearchParams(location.search).get(TOKEN_PARAM);
  const key = 'lakehouse.token';
  if (fromUrl !== null && fromUrl !== '') storage?.setItem(key, fromUrl);
  const token = fromUrl ?? storage?.getItem(key) ?? '';
  return { origin: location.origin, token };
}

function outcomeOf(value: unknown, status: number): Outcome<unknown> {
  if (typeof value === 'object' && value !== null && 'ok' in value) {
    const v = value as { ok: unknown; value?: unknown; error?: unknown };
    if (v.ok === true) return { ok: true, value: v.value };
    if (v.ok === false && isWireError(v.error)) return { ok: false, error: v.error };
  }
  return {
    ok: false,
    error: {
      name: 'TransportError',
      code: 'INTERNAL',
      message: `The workbench server answered with an unexpected reply (HTTP ${status}). Reload the page; if it persists, restart \`lakehouse serve\`.`,
    },
  };
}

export interface HttpDeps {
  fetch: FetchLike;
  WebSocket: SocketFactory;
  setTimeout: (fn: () => void, ms: number) => unknown;
}

export function httpTransport(endpoint: HttpEndpoint, deps: HttpDeps): Transport {
  const eventListeners = new Set<(m: EventMessage) => void>();
  const connectionListeners = new Set<(c: boolean) => void>();
  let socket: SocketLike | null = null;
  let retryMs = 250;

  const connect = (): void => {
    const url = new URL(EVENTS_PATH, endpoint.origin.replace(/^http/, 'ws'));
    url.searchParams.set(TOKEN_PARAM, endpoint.token);
    const ws = new deps.WebSocket(url.toString());
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      for (const l of connectionListeners) l(true);
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(e.data);
      } catch {
        return;
      }
      if (typeof parsed !== 'object' || parsed === null) return;
      const m = parsed as { event?: unknown; payload?: unknown };
      if (!isServiceEvent(m.event)) return;
      for (const l of eventListeners) l(m as EventMessage);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const l of connectionListeners) l(false);
      // Reconnect with backoff while anyone listens: the server may be restarting.
      if (eventListeners.size > 0) {
        deps.setTimeout(() => {
          if (socket === null && eventListeners.size > 0) connect();
        }, retryMs);
      }
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };

  return {
    kind: 'http',
    async call(method, args) {
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await deps.fetch(new URL(routeOf(method), endpoint.origin), {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: endpoint.token },
          body: JSON.stringify(args ?? {}),
        });
      } catch (e) {
        return {
          ok: false,
          error: {
            name: 'TransportError',
            code: 'IO',
            message: `Cannot reach the workbench server at ${endpoint.origin} (${String(e)}). Check that \`lakehouse serve\` is still running.`,
          },
        };
      }
      const body: unknown = await response.json().catch(() => null);
      return outcomeOf(body, response.status);
    },
    onEvent(listener) {
      eventListeners.add(listener);
      if (socket === null) connect();
      return () => {
        eventListeners.delete(listener);
        if (eventListeners.size === 0 && socket !== null) {
          const ws = socket;
          socket = null;
          ws.close();
        }
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}

/** The page as pickTransport sees it: `window` in the app, a fake in tests. */
export interface PageLike {
  readonly lakehouse?: LakehouseBridge;
  readonly location: LocationLike;
  readonly sessionStorage: StorageLike;
  fetch: FetchLike;
  WebSocket: SocketFactory;
  setTimeout: (fn: () => void, ms: number) => unknown;
}

/** The page's session storage, or null where the browser blocks it. */
export function storageOf(page: Pick<PageLike, 'sessionStorage'>): StorageLike | null {
  try {
    return page.sessionStorage;
  } catch {
    // Storage can be blocked (opaque origins, privacy settings); the URL token still works.
    return null;
  }
}

/** Electron when the preload's bridge is there, HTTP otherwise. */
export function pickTransport(page: PageLike): Transport {
  const bridge = page.lakehouse;
  if (bridge !== undefined && typeof bridge.call === 'function') return ipcTransport(bridge);
  return httpTransport(endpointFromLocation(page.location, storageOf(page)), {
    fetch: (url, init) => page.fetch(url, init),
    WebSocket: page.WebSocket,
    setTimeout: (fn, ms) => page.setTimeout(fn, ms),
  });
}
