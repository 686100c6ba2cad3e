// The IPC door (src/main/ipc.ts) with a fake ipcMain and a fake service: a handler per contract
// method, bad payloads refused with a clear USAGE error before the service is called, calls
// from frames other than our window's refused, service errors returned as data (never thrown),
// and events forwarded to the window as { event, payload }.
import { describe, expect, it } from 'vitest';
import { forwardServiceEvents, registerServiceIpc } from '../../src/main/ipc';
import type { InvokeEventLike, IpcMainLike } from '../../src/main/ipc';
import { NotFoundError } from '../../src/pipeline';
import { EVENT_CHANNEL, SERVICE_METHODS, channelOf } from '../../src/shared/contract';
import type { WorkbenchService } from '../../src/shared/contract';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

function fakeIpc(): IpcMainLike & { handlers: Map<string, Listener> } {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
}

function fakeService(): WorkbenchService & {
  calls: { method: string; args: unknown }[];
  fire(p: unknown): void;
} {
  const calls: { method: string; args: unknown }[] = [];
  let listener: ((p: unknown) => void) | null = null;
  return {
    calls,
    async call(method, args) {
      calls.push({ method, args });
      if (method === 'table.describe')
        throw new NotFoundError('No table core.nope. Pick one from the catalog.');
      if (method === 'catalog.list') throw new TypeError('boom');
      return { method, args } as never;
    },
    on(event, l) {
      if (event === 'onDidProgressRun') listener = l as (p: unknown) => void;
      return { dispose: () => void (listener = null) };
    },
    fire(p) {
      listener?.(p);
    },
    dispose() {},
  };
}

const ourFrame = { processId: 1, routingId: 1, url: 'file:///app/index.html' };
const ourSender = { id: 1 };
const trusted: InvokeEventLike = { sender: ourSender, senderFrame: ourFrame };

function setup() {
  const ipc = fakeIpc();
  const service = fakeService();
  const refused: string[] = [];
  const registration = registerServiceIpc({
    ipc,
    service: () => service,
    isTrustedSender: (e) => e.sender === ourSender && e.senderFrame === ourFrame,
    onRefused: (m, why) => refused.push(`${m}: ${why}`),
  });
  const invoke = (method: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> => {
    const handler = ipc.handlers.get(`lh:${method}`);
    if (!handler) throw new Error(`no handler for ${method}`);
    return handler(event, ...args);
  };
  return { ipc, service, refused, registration, invoke };
}

describe('registerServiceIpc', () => {
  it('registers one handler per contract method and removes them on dispose', () => {
    const { ipc, registration } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(SERVICE_METHODS.map((m) => channelOf(m)).sort());
    registration.dispose();
    expect(ipc.handlers.size).toBe(0);
  });

  it('calls the service with validated arguments and answers an Outcome', async () => {
    const { service, invoke } = setup();
    const outcome = await invoke('query.run', trusted, { sql: 'select 1', queryId: 'q1' });
    expect(outcome).toEqual({
      ok: true,
      value: { method: 'query.run', args: { sql: 'select 1', queryId: 'q1' } },
    });
    expect(service.calls).toEqual([{ method: 'query.run', args: { sql: 'select 1', queryId: 'q1' } }]);
  });

  it.each([
    ['a wrong type', 'query.run', [{ sql: 42, queryId: 'q' }], 'sql'],
    ['a missing field', 'query.fetch', [{ resultId: 'r', offset: 0 }], 'limit'],
    ['an unknown key', 'lake.current', [{ sneaky: true }], 'sneaky'],
    ['a bad date', 'pipeline.plan', [{ kind: 'backfill', from: '2024-5-1' }], 'from'],
    ['a string instead of an object', 'lake.open', ['/etc'], '(arguments)'],
    ['two argument values', 'lake.open', [{ path: '/x' }, { path: '/y' }], 'one arguments object'],
  ])('refuses %s with a USAGE error and does not call the service', async (_what, method, args, names) => {
    const { service, invoke, refused } = setup();
    const outcome = (await invoke(method, trusted, ...args)) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(outcome.ok).toBe(false);
    expect(outcome.error.code).toBe('USAGE');
    expect(outcome.error.message).toContain(method);
    expect(outcome.error.message).toContain(names);
    expect(service.calls).toEqual([]);
    expect(refused).toHaveLength(1);
  });

  it('refuses calls from another frame or another web contents', async () => {
    const { service, invoke } = setup();
    for (const event of [
      { sender: ourSender, senderFrame: { processId: 1, routingId: 2, url: 'file:///app/index.html' } },
      { sender: { id: 2 }, senderFrame: ourFrame },
      { sender: ourSender, senderFrame: null },
    ]) {
      const outcome = (await invoke('lake.current', event, {})) as {
        ok: boolean;
        error: { message: string };
      };
      expect(outcome.ok).toBe(false);
      expect(outcome.error.message).toMatch(/only the workbench window/);
    }
    expect(service.calls).toEqual([]);
  });

  it('returns service errors as data, keeping their code, and never throws', async () => {
    const { invoke } = setup();
    await expect(invoke('table.describe', trusted, { table: 'core.nope' })).resolves.toEqual({
      ok: false,
      error: {
        name: 'NotFoundError',
        code: 'NOT_FOUND',
        message: 'No table core.nope. Pick one from the catalog.',
      },
    });
    await expect(invoke('catalog.list', trusted, {})).resolves.toEqual({
      ok: false,
      error: { name: 'InternalError', code: 'INTERNAL', message: 'boom' },
    });
  });

  it('treats a missing arguments object as {} for methods without arguments', async () => {
    const { invoke } = setup();
    await expect(invoke('lake.current', trusted)).resolves.toMatchObject({ ok: true });
  });
});

describe('forwardServiceEvents', () => {
  it('sends each event to the window as { event, payload } until disposed', () => {
    const service = fakeService();
    const sent: unknown[] = [];
    const forwarding = forwardServiceEvents(service, (channel, message) => sent.push([channel, message]));
    const progress = { runId: 'r1', completed: 1, total: 3, model: 'm', partition: null };
    service.fire(progress);
    expect(sent).toEqual([[EVENT_CHANNEL, { event: 'onDidProgressRun', payload: progress }]]);
    forwarding.dispose();
    service.fire(progress);
    expect(sent).toHaveLength(1);
  });
});
