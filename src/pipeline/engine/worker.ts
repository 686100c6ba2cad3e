// The engine worker's entry: receives requests, runs them on its EngineSession
// concurrently, and replies with the same id. Errors are turned into data here;
// nothing thrown ever crosses the thread boundary.

import { parentPort } from 'node:worker_threads';
import { toWire } from '../errors';
import type { EngineHandlers, EngineReply, EngineRequest, HandlerContext } from './protocol';
import { EngineSession } from './session';

const port = parentPort;
if (!port) throw new Error('The engine worker must run in a worker thread.');

const session = new EngineSession();

const handlers: EngineHandlers = {
  open: (args) => session.open(args),
  run: (args, ctx) => session.run(args, ctx),
  read: (args, ctx) => session.read(args, ctx),
  query: (args, ctx) => session.query(args, ctx),
  fetch: (args) => session.fetch(args),
  release: (args) => session.release(args),
  export: (args, ctx) => session.export(args, ctx),
  interrupt: (args) => Promise.resolve(session.interrupt(args)),
};

function reply(message: EngineReply): void {
  port?.postMessage(message);
}

async function dispatch(request: EngineRequest): Promise<void> {
  const ctx: HandlerContext = {
    id: request.id,
    progress: (progress) => reply({ id: request.id, kind: 'progress', progress }),
  };
  try {
    // The union is keyed by `kind`; each handler receives exactly its own args.
    const handler = handlers[request.kind] as (
      args: EngineRequest['args'],
      ctx: HandlerContext,
    ) => Promise<unknown>;
    const value = await handler(request.args, ctx);
    reply({ id: request.id, kind: 'result', value });
  } catch (err) {
    reply({ id: request.id, kind: 'error', error: toWire(err) });
  }
}

port.on('message', (request: EngineRequest) => {
  void dispatch(request);
});
