// The typed face of a transport: `call` resolves with the method's result or throws a
// ServiceError rebuilt from the wire error; `on` filters the event stream to one event. No
// browser globals here (index.ts binds it to the page), so unit tests run it in Node.

import type { ArgsOf, EventOf, ResultOf, ServiceEvent, ServiceMethod } from '../../../../shared/contract';
import type { Disposable } from '../../../../shared/disposable';
import type { ErrorCode, WireError } from '../../../../shared/errors';
import type { Transport } from './transport';

/** A service error rebuilt on arrival: `code` is stable, `message` says what to do. */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.code = wire.code;
    this.details = wire.details;
  }
}

export interface Api {
  readonly transport: Transport['kind'];
  call<M extends ServiceMethod>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>;
  on<E extends ServiceEvent>(event: E, listener: (payload: EventOf<E>) => void): Disposable;
  onConnection(listener: (connected: boolean) => void): Disposable;
}

export function createApi(transport: Transport): Api {
  return {
    transport: transport.kind,
    async call(method, args) {
      const outcome = await transport.call(method, args);
      if (!outcome.ok) throw new ServiceError(outcome.error);
      // The service's result for `method`: the contract types both ends.
      return outcome.value as ResultOf<typeof method>;
    },
    on(event, listener) {
      const off = transport.onEvent((m) => {
        if (m.event === event) listener(m.payload as EventOf<typeof event>);
      });
      return { dispose: off };
    },
    onConnection(listener) {
      return { dispose: transport.onConnection(listener) };
    },
  };
}
