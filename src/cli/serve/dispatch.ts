// One service call as the HTTP door carries it: the method name from the route, the JSON body
// as arguments. Unknown methods and bad arguments are refused before the service sees them;
// whatever the service throws comes back as a WireError, never as a broken connection.

import { callAsOutcome } from '../../pipeline';
import { isServiceMethod } from '../../shared/contract';
import type { WorkbenchService } from '../../shared/contract';
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
  let refused = false;
  const outcome = await callAsOutcome(service, method, args, () => {
    refused = true;
  });
  return { status: refused ? 400 : 200, outcome };
}
