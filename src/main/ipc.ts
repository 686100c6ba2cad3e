// The IPC door to the Workbench service: one `ipcMain.handle` per contract method (channel
// `lh:<method>`), each checking that the call comes from our window's main frame and that its
// payload passes the contract's validator before the service sees it, and each answering an
// Outcome — never a throw, because Electron keeps only a thrown error's message. Events go to
// the window as `{ event, payload }` on EVENT_CHANNEL. No Electron import: main injects
// `ipcMain` and the sender check, so unit tests drive this with fakes.

import { callAsOutcome } from '../pipeline';
import { EVENT_CHANNEL, SERVICE_EVENTS, SERVICE_METHODS, channelOf } from '../shared/contract';
import type { EventMessage, ServiceMethod, WorkbenchService } from '../shared/contract';
import type { Outcome } from '../shared/errors';
import { toDisposable } from '../shared/disposable';
import type { Disposable } from '../shared/disposable';

/** The part of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly processId: number;
  readonly routingId: number;
  readonly url: string;
}

/** The part of an IpcMainInvokeEvent this module reads. */
export interface InvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

/** The part of Electron's `ipcMain` this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface ServiceIpcOptions {
  ipc: IpcMainLike;
  /** The service as it is now; a getter, so main can replace it without re-registering. */
  service: () => WorkbenchService;
  /** True when the event comes from the main frame of our own window showing our page. */
  isTrustedSender: (event: InvokeEventLike) => boolean;
  /** Told about refused calls (main logs them); optional. */
  onRefused?: (method: string, reason: string) => void;
}

/** Answers one invoke: sender check, validation, the call, errors as data. */
export async function handleInvoke(
  options: Omit<ServiceIpcOptions, 'ipc'>,
  method: ServiceMethod,
  event: InvokeEventLike,
  args: unknown[],
): Promise<Outcome<unknown>> {
  const refuse = (reason: string, message: string): Outcome<unknown> => {
    options.onRefused?.(method, reason);
    return { ok: false, error: { name: 'UsageError', code: 'USAGE', message } };
  };
  if (!options.isTrustedSender(event)) {
    return refuse(
      'not from the workbench window',
      `Refused ${method}: only the workbench window's own page may call the service.`,
    );
  }
  if (args.length > 1) {
    return refuse(
      'extra arguments',
      `Invalid call of ${method}: pass one arguments object, not ${args.length} values. Fix the request and try again.`,
    );
  }
  return callAsOutcome(options.service(), method, args[0], (reason) => options.onRefused?.(method, reason));
}

/** Registers a handler for every contract method; disposing removes them all. */
export function registerServiceIpc(options: ServiceIpcOptions): Disposable {
  for (const method of SERVICE_METHODS) {
    options.ipc.handle(channelOf(method), (event, ...args) => handleInvoke(options, method, event, args));
  }
  return toDisposable(() => {
    for (const method of SERVICE_METHODS) options.ipc.removeHandler(channelOf(method));
  });
}

/** Sends every service event to `send` (the window's webContents) as an EventMessage. */
export function forwardServiceEvents(
  service: WorkbenchService,
  send: (channel: typeof EVENT_CHANNEL, message: EventMessage) => void,
): Disposable {
  const subscriptions = SERVICE_EVENTS.map((event) =>
    service.on(event, (payload) => send(EVENT_CHANNEL, { event, payload } as EventMessage)),
  );
  return toDisposable(() => {
    for (const s of subscriptions) void s.dispose();
  });
}
