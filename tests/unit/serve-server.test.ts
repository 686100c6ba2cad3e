// The browser door (`lakehouse serve`'s HTTP + WebSocket server) against a small fake service:
// the token on every call and socket, the loopback Host/Origin check, argument validation
// before the service, 404 for unknown methods, service errors as Outcome data, event fan-out
// to every socket, the renderer's CSP header, and downloads confined to <lake>/exports/.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NotFoundError } from '../../src/pipeline';
import { startServer } from '../../src/cli/serve/server';
import type { ServeHandle } from '../../src/cli/serve/server';
import { EVENTS_PATH, TOKEN_HEADER } from '../../src/shared/contract';
import type { ServiceEvent, WorkbenchService } from '../../src/shared/contract';
import { contentSecurityPolicy } from '../../src/shared/web-policy';

interface FakeService extends WorkbenchService {
  calls: { method: string; args: unknown }[];
  emit(event: ServiceEvent, payload: unknown): void;
}

function fakeService(lakePath: string): FakeService {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: { method: string; args: unknown }[] = [];
  const lake = { path: lakePath, name: 'fake', startDate: '2024-05-01', timezone: 'UTC', problems: [] };
  return {
    calls,
    async call(method, args) {
      calls.push({ method, args });
      if (method === 'lake.current') return lake as never;
      if (method === 'table.describe')
        throw new NotFoundError('No table core.nope. Pick one from the catalog.');
      if (method === 'query.run') return { echoed: args } as never;
      throw new Error(`fake: ${method} not faked`);
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return { dispose: () => void set.delete(listener as (p: unknown) => void) };
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    dispose() {},
  };
}

let dir: string;
let service: FakeService;
let server: ServeHandle;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-serve-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(renderer, 'assets', 'app-1234.js'), 'console.log(1)');
  const lake = join(dir, 'lake');
  mkdirSync(join(lake, 'exports'), { recursive: true });
  writeFileSync(join(lake, 'exports', 'result.csv'), 'a,b\n1,2\n');
  writeFileSync(join(lake, 'lakehouse.yml'), 'name: secret-config\n');
  symlinkSync(join(lake, 'lakehouse.yml'), join(lake, 'exports', 'sneaky.csv'));
  service = fakeService(lake);
  server = await startServer({ service, rendererDir: renderer, port: 0 });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (method: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A raw request, for headers fetch will not let a caller set (Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path, method: 'GET', headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('lakehouse serve: the token', () => {
  it('prints a loopback URL carrying a 32-byte token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
  });

  it('refuses a call without the token with 401 and a WireError', async () => {
    const calls = service.calls.length;
    const res = await fetch(`${base}/api/lake.current`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.message).toMatch(/token/);
    expect(service.calls.length).toBe(calls);
  });

  it('refuses a wrong token, and accepts the token as a query parameter', async () => {
    expect((await post('lake.current', {}, { [TOKEN_HEADER]: 'x'.repeat(43) })).status).toBe(401);
    const res = await fetch(`${base}/api/lake.current?token=${server.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
  });

  it('refuses an event socket without the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${EVENTS_PATH}`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });
});

describe('lakehouse serve: DNS-rebinding defence', () => {
  it('refuses a request addressed to another host name', async () => {
    const res = await rawGet('/', { host: `evil.example:${server.port}` });
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/127\.0\.0\.1/);
  });

  it('refuses a call from a foreign origin even with the token', async () => {
    const calls = service.calls.length;
    const res = await post('lake.current', {}, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(service.calls.length).toBe(calls);
  });

  it('accepts localhost and its own origin', async () => {
    expect((await rawGet('/', { host: `localhost:${server.port}` })).status).toBe(200);
    expect((await post('lake.current', {}, { origin: base })).status).toBe(200);
  });
});

describe('lakehouse serve: calls', () => {
  it('answers a call with the Outcome of the service', async () => {
    const res = await post('query.run', { sql: 'select 1', queryId: 'q1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, value: { echoed: { sql: 'select 1', queryId: 'q1' } } });
  });

  it('passes a service error through as data with HTTP 200', async () => {
    const res = await post('table.describe', { table: 'core.nope' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: false,
      error: {
        name: 'NotFoundError',
        code: 'NOT_FOUND',
        message: 'No table core.nope. Pick one from the catalog.',
      },
    });
  });

  it('rejects bad arguments with a USAGE error, without calling the service', async () => {
    const calls = service.calls.length;
    const res = await post('query.run', { sql: 42, queryId: 'q', extra: true });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { ok: false; error: { code: string; message: string } };
    expect(body.error.code).toBe('USAGE');
    expect(body.error.message).toContain('Invalid arguments for query.run');
    expect(body.error.message).toContain('sql');
    expect(service.calls.length).toBe(calls);
  });

  it('answers 404 for an unknown method', async () => {
    const res = await post('lake.delete', {});
    expect(res.status).toBe(404);
    const body = (await res.json()) as { ok: false; error: { message: string } };
    expect(body.error.message).toContain("Unknown service method 'lake.delete'");
  });

  it('answers 400 for a body that is not JSON, 415 for another content type, 405 for GET', async () => {
    expect((await post('lake.current', '{nope')).status).toBe(400);
    expect((await post('lake.current', '{}', { 'content-type': 'text/plain' })).status).toBe(415);
    const get = await fetch(`${base}/api/lake.current`, { headers: { [TOKEN_HEADER]: server.token } });
    expect(get.status).toBe(405);
  });

  it('answers 413 for a body over the size limit', async () => {
    const res = await post('query.run', { sql: 'x'.repeat(9 * 1024 * 1024), queryId: 'big' });
    expect(res.status).toBe(413);
  });
});

describe('lakehouse serve: events', () => {
  it('pushes every service event to every connected socket', async () => {
    const open = (): Promise<{ ws: WebSocket; messages: unknown[] }> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}${EVENTS_PATH}?token=${server.token}`);
        const messages: unknown[] = [];
        ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString())));
        ws.on('open', () => resolve({ ws, messages }));
        ws.on('error', reject);
      });
    const a = await open();
    const b = await open();
    expect(server.clients()).toBe(2);
    service.emit('onDidChangeLake', { reason: 'raw', tables: [], sources: ['activity'] });
    service.emit('onDidLog', { level: 'info', message: 'hello', time: '2024-05-01T00:00:00Z' });
    await expect.poll(() => a.messages.length + b.messages.length).toBe(4);
    const expected = [
      { event: 'onDidChangeLake', payload: { reason: 'raw', tables: [], sources: ['activity'] } },
      { event: 'onDidLog', payload: { level: 'info', message: 'hello', time: '2024-05-01T00:00:00Z' } },
    ];
    expect(a.messages).toEqual(expected);
    expect(b.messages).toEqual(expected);
    a.ws.close();
    b.ws.close();
    await expect.poll(() => server.clients()).toBe(0);
  });
});

describe('lakehouse serve: files', () => {
  it('serves the page with the app CSP and no referrer', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy('header'));
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await res.text()).toContain('<title>t</title>');
    const asset = await fetch(`${base}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('does not serve files outside the renderer folder', async () => {
    expect((await rawGet('/../lake/lakehouse.yml', { host: `127.0.0.1:${server.port}` })).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/lake/lakehouse.yml`)).status).toBe(404);
  });

  it('serves exports as downloads, with the token only', async () => {
    expect((await fetch(`${base}/files/exports/result.csv`)).status).toBe(401);
    const res = await fetch(`${base}/files/exports/result.csv?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="result.csv"');
    expect(await res.text()).toBe('a,b\n1,2\n');
  });

  it('serves nothing outside <lake>/exports/, through .. or a symlink', async () => {
    const t = `?token=${server.token}`;
    expect((await fetch(`${base}/files/lakehouse.yml${t}`)).status).toBe(404);
    expect((await fetch(`${base}/files/exports/%2e%2e/lakehouse.yml${t}`)).status).toBe(404);
    expect((await fetch(`${base}/files/exports/sneaky.csv${t}`)).status).toBe(404);
  });
});

describe('lakehouse serve: start-up', () => {
  it('holds API calls until the service is ready (the lake opens while the page loads)', async () => {
    let open: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (open = resolve));
    const early = await startServer({ service, rendererDir: null, ready });
    try {
      let answered = false;
      const call = fetch(`http://127.0.0.1:${early.port}/api/lake.current`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: early.token },
        body: '{}',
      }).then((r) => {
        answered = true;
        return r.json();
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(answered).toBe(false);
      open();
      expect(await call).toMatchObject({ ok: true, value: { name: 'fake' } });
    } finally {
      await early.close();
    }
  });
});

describe('lakehouse serve: binding', () => {
  it('refuses to bind a non-loopback address', async () => {
    await expect(startServer({ service, rendererDir: null, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
