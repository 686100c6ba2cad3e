// One service call as the HTTP door carries it: the method name from the route, the JSON body
// as arguments. Unknown methods and bad arguments are refused before the service sees them;
// whatever the service throws comes back as a WireError, never as a broken connection.

import { toWire } from '../../pipeline';
import { isServiceMethod } from '../../shared/contract';
import type { ServiceMethod, WorkbenchService } from '../../shared/contract';
import { validateArgs } from '../../shared/contract-schema';
import type { Outcome } from '../../shared/errors';

export interface Dispatched {
  /** 200 for every answer of the service (success or its error), 4xx when the call never reached it. */
  status: 200 | 400 | 404;
  outcome: Outcome<unknown>;
}

export async function dispatch(
  service: WorkbenchService,
  method: string,
  args: unknown,
): Promise<Dispatched> {
  if (!isServiceMethod(method)) {
    return {
      status: 404,
      outcome: {
        ok: false,
        error: {
          name: 'UsageError',
          code: 'USAGE',
          message: `Unknown service method '${method}'. The routes are POST /api/<method>, e.g. /api/catalog.list.`,
        },
      },
    };
  }
  const valid = validateArgs(method, args);
  if (!valid.ok) return { status: 400, outcome: valid };
  try {
    // The method and its validated arguments belong together; the contract types both.
    const value: unknown = await service.call(method as ServiceMethod, valid.value as never);
    return { status: 200, outcome: { ok: true, value: value ?? null } };
  } catch (err) {
    return { status: 200, outcome: { ok: false, error: toWire(err) } };
  }
}
