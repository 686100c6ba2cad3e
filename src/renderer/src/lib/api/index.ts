// The renderer's one door to the Workbench service. Components call
// `api.call('query.run', …)` and `api.on('onDidProgressRun', …)`; errors come
// back as ServiceError with the service's code and message. Only this folder
// touches the transport.

import type { ArgsOf, EventOf, ResultOf, ServiceEvent, ServiceMethod } from '../../../../shared/contract';
import type { Disposable } from '../../../../shared/disposable';
import type { ErrorCode, WireError } from '../../../../shared/errors';
import { endpointFromLocation, pickTransport } from './transport';
import { TOKEN_PARAM } from '../../../../shared/contract';
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

/** The app-wide instance, bound to whichever transport this page has. */
export const api: Api = createApi(pickTransport(window));

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The browser-mode URL of an exported file (`ExportResult.downloadPath`): `/files/<path>` with
 * the session token. Null inside Electron, where the written file is already on the user's disk.
 */
export function downloadUrl(downloadPath: string): string | null {
  if (api.transport !== 'http') return null;
  let storage: Storage | null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  const { origin, token } = endpointFromLocation(window.location, storage);
  const encoded = downloadPath.split('/').map(encodeURIComponent).join('/');
  const url = new URL(`/files/${encoded}`, origin);
  url.searchParams.set(TOKEN_PARAM, token);
  return url.toString();
}
