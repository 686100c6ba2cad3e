// The renderer's transports (src/renderer/src/lib/api/transport.ts) with fake fetch, WebSocket,
// timers and bridge: which transport a page gets, the token on every call and socket, Outcome
// replies passed through and anything else turned into a clear error, events filtered to the
// contract's, reconnection with backoff while someone listens, and the api's ServiceError.
import { describe, expect, it } from 'vitest';
import { ServiceError, createApi } from '../../src/renderer/src/lib/api/client';
import { endpointFromLocation, httpTransport, pickTransport } from '../../src/renderer/src/lib/api/transport';
import type { FetchLike, PageLike, SocketLike } from '../../src/renderer/src/lib/api/transport';
import type { LakehouseBridge } from '../../src/shared/bridge';
import type { EventMessage } from '../../src/shared/contract';

class FakeSocket implements SocketLike {
  static made: FakeSocket[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  close(): void {
    this.closed = true;
    this.onclose?.({});
  }
  open(): void {
    this.onopen?.({});
  }
  receive(data: unknown): void {
    this.onmessage?.({ data });
  }
  drop(): void {
    this.onclose?.({});
  }
}

interface Sent {
  url: string;
  init: RequestInit;
}

function fakeFetch(
  reply: (sent: Sent) => { status: number; body: unknown } | Error,
): FetchLike & { sent: Sent[] } {
  const sent: Sent[] = [];
  const fn = (url: URL, init: RequestInit) => {
    const s = { url: url.toString(), init };
    sent.push(s);
    const r = reply(s);
    if (r instanceof Error) return Promise.reject(r);
    return Promise.resolve({
      status: r.status,
      json: () =>
        r.body === undefined ? Promise.reject(new SyntaxError('no json')) : Promise.resolve(r.body),
    });
  };
  return Object.assign(fn, { sent });
}

function fakeTimers(): {
  setTimeout: (fn: () => void, ms: number) => unknown;
  pending: { fn: () => void; ms: number }[];
} {
  const pending: { fn: () => void; ms: number }[] = [];
  return { pending, setTimeout: (fn, ms) => pending.push({ fn, ms }) };
}

const endpoint = { origin: 'http://127.0.0.1:4321', token: 'tok-123' };

/** A transport for the event-socket tests: no calls, fresh sockets, timers under the test's control. */
function socketTransport(): { t: ReturnType<typeof httpTransport>; timers: ReturnType<typeof fakeTimers> } {
  FakeSocket.made = [];
  const timers = fakeTimers();
  const t = httpTransport(endpoint, {
    fetch: fakeFetch(() => new Error('unused')),
    WebSocket: FakeSocket,
    ...timers,
  });
  return { t, timers };
}

describe('endpointFromLocation', () => {
  it('takes the token from the URL and keeps it for a reload without it', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    expect(endpointFromLocation({ origin: 'http://127.0.0.1:1', search: '?token=abc' }, storage)).toEqual({
      origin: 'http://127.0.0.1:1',
      token: 'abc',
    });
    expect(endpointFromLocation({ origin: 'http://127.0.0.1:1', search: '' }, storage).token).toBe('abc');
    expect(endpointFromLocation({ origin: 'http://127.0.0.1:1', search: '' }, null).token).toBe('');
  });
});

describe('httpTransport: calls', () => {
  it('POSTs the arguments as JSON to the method route with the token header', async () => {
    const fetch = fakeFetch(() => ({ status: 200, body: { ok: true, value: { rows: 3 } } }));
    const t = httpTransport(endpoint, { fetch, WebSocket: FakeSocket, ...fakeTimers() });
    expect(await t.call('query.run', { sql: 'select 1', queryId: 'q' })).toEqual({
      ok: true,
      value: { rows: 3 },
    });
    expect(fetch.sent).toHaveLength(1);
    const [sent] = fetch.sent;
    expect(sent?.url).toBe('http://127.0.0.1:4321/api/query.run');
    expect(sent?.init.method).toBe('POST');
    expect(sent?.init.headers).toEqual({
      'content-type': 'application/json',
      'x-lakehouse-token': 'tok-123',
    });
    expect(JSON.parse(String(sent?.init.body))).toEqual({ sql: 'select 1', queryId: 'q' });
  });

  it('passes a service error through with its code', async () => {
    const error = { name: 'NotFoundError', code: 'NOT_FOUND', message: 'No table core.x.' };
    const fetch = fakeFetch(() => ({ status: 200, body: { ok: false, error } }));
    const t = httpTransport(endpoint, { fetch, WebSocket: FakeSocket, ...fakeTimers() });
    expect(await t.call('table.describe', { table: 'core.x' })).toEqual({ ok: false, error });
  });

  it('passes a 401 WireError through (the message says to reopen the printed URL)', async () => {
    const error = { name: 'UnauthorizedError', code: 'USAGE', message: 'Missing or wrong session token.' };
    const fetch = fakeFetch(() => ({ status: 401, body: { ok: false, error } }));
    const t = httpTransport(endpoint, { fetch, WebSocket: FakeSocket, ...fakeTimers() });
    expect(await t.call('lake.current', {})).toEqual({ ok: false, error });
  });

  it('turns a reply that is not an Outcome into an INTERNAL error naming the HTTP status', async () => {
    for (const body of [undefined, { hello: 1 }, { ok: false, error: 'text' }]) {
      const fetch = fakeFetch(() => ({ status: 502, body }));
      const t = httpTransport(endpoint, { fetch, WebSocket: FakeSocket, ...fakeTimers() });
      const outcome = await t.call('lake.current', {});
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.code).toBe('INTERNAL');
        expect(outcome.error.message).toContain('HTTP 502');
      }
    }
  });

  it('turns a network failure into an IO error that says the server may have stopped', async () => {
    const fetch = fakeFetch(() => new TypeError('fetch failed'));
    const t = httpTransport(endpoint, { fetch, WebSocket: FakeSocket, ...fakeTimers() });
    const outcome = await t.call('lake.current', {});
    expect(outcome).toMatchObject({ ok: false, error: { code: 'IO' } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/lakehouse serve/);
  });
});

describe('httpTransport: events', () => {
  it('opens one socket with the token on the first listener, and delivers contract events only', () => {
    const { t } = socketTransport();
    const a: EventMessage[] = [];
    const b: EventMessage[] = [];
    const offA = t.onEvent((m) => a.push(m));
    t.onEvent((m) => b.push(m));
    expect(FakeSocket.made.map((s) => s.url)).toEqual(['ws://127.0.0.1:4321/events?token=tok-123']);
    const socket = FakeSocket.made[0];
    const change = {
      event: 'onDidChangeLake',
      payload: { reason: 'raw', tables: [], sources: ['activity'] },
    };
    socket?.receive(JSON.stringify(change));
    socket?.receive(JSON.stringify({ event: 'onDidHack', payload: {} }));
    socket?.receive('not json');
    socket?.receive(new Uint8Array([1, 2]));
    expect(a).toEqual([change]);
    expect(b).toEqual([change]);
    offA();
    socket?.receive(JSON.stringify(change));
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
  });

  it('closes the socket when the last listener leaves', () => {
    const { t, timers } = socketTransport();
    const off = t.onEvent(() => undefined);
    off();
    expect(FakeSocket.made[0]?.closed).toBe(true);
    expect(timers.pending).toEqual([]);
  });

  it('reports the connection and reconnects with growing backoff while someone listens', () => {
    const { t, timers } = socketTransport();
    const states: boolean[] = [];
    t.onConnection((c) => states.push(c));
    t.onEvent(() => undefined);
    FakeSocket.made[0]?.open();
    FakeSocket.made[0]?.drop();
    expect(states).toEqual([true, false]);
    expect(timers.pending.map((p) => p.ms)).toEqual([250]);
    timers.pending[0]?.fn();
    expect(FakeSocket.made).toHaveLength(2);
    FakeSocket.made[1]?.drop(); // the server is still down
    expect(timers.pending.map((p) => p.ms)).toEqual([250, 500]);
    timers.pending[1]?.fn();
    FakeSocket.made[2]?.open();
    expect(states).toEqual([true, false, false, true]);
    FakeSocket.made[2]?.drop();
    // A successful open resets the backoff.
    expect(timers.pending.map((p) => p.ms)).toEqual([250, 500, 250]);
  });
});

describe('pickTransport', () => {
  const page = (extra: Partial<PageLike>): PageLike => ({
    location: { origin: 'http://127.0.0.1:9', search: '?token=t' },
    sessionStorage: { getItem: () => null, setItem: () => undefined },
    fetch: fakeFetch(() => ({ status: 200, body: { ok: true, value: 'via http' } })),
    WebSocket: FakeSocket,
    setTimeout: () => 0,
    ...extra,
  });

  it('uses IPC when the preload bridge is there', async () => {
    const bridge: LakehouseBridge = {
      appVersion: '0.1.0',
      platform: 'linux',
      call: (method, args) => Promise.resolve({ ok: true, value: { method, args } }),
      onEvent: () => () => undefined,
    };
    const t = pickTransport(page({ lakehouse: bridge }));
    expect(t.kind).toBe('ipc');
    expect(await t.call('lake.current', {})).toEqual({
      ok: true,
      value: { method: 'lake.current', args: {} },
    });
  });

  it('uses HTTP with the URL token in a browser, even when storage is blocked', async () => {
    const blocked = page({});
    Object.defineProperty(blocked, 'sessionStorage', {
      get() {
        throw new Error('SecurityError');
      },
    });
    const t = pickTransport(blocked);
    expect(t.kind).toBe('http');
    expect(await t.call('lake.current', {})).toEqual({ ok: true, value: 'via http' });
  });
});

describe('createApi', () => {
  it('returns values and throws ServiceError with the code and message of the wire error', async () => {
    const fetch = fakeFetch((s) =>
      s.url.endsWith('/api/lake.current')
        ? { status: 200, body: { ok: true, value: null } }
        : {
            status: 200,
            body: {
              ok: false,
              error: { name: 'EngineError', code: 'SQL', message: 'Parser Error', details: { line: 1 } },
            },
          },
    );
    const api = createApi(httpTransport(endpoint, { fetch, WebSocket: FakeSocket, ...fakeTimers() }));
    expect(await api.call('lake.current', {})).toBeNull();
    const err = await api.call('query.run', { sql: 'selec', queryId: 'q' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({
      code: 'SQL',
      message: 'Parser Error',
      name: 'EngineError',
      details: { line: 1 },
    });
  });
});
