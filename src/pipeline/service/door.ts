// One service call as every door (IPC in main, HTTP in `lakehouse serve`) carries
// it: the arguments are checked against the contract before the service sees
// them, and whatever happens comes back as an Outcome — never a throw, since
// neither Electron IPC nor HTTP keeps a thrown error's class.

import type { ServiceMethod, WorkbenchService } from '../../shared/contract';
import { validateArgs } from '../../shared/contract-schema';
import type { Outcome } from '../../shared/errors';
import { toWire } from '../errors';

export async function callAsOutcome(
  service: WorkbenchService,
  method: ServiceMethod,
  args: unknown,
  /** Told when the arguments are refused before the service is called. */
  onRefused?: (reason: string) => void,
): Promise<Outcome<unknown>> {
  const valid = validateArgs(method, args);
  if (!valid.ok) {
    onRefused?.(valid.error.message);
    return valid;
  }
  try {
    // The method and its validated arguments belong together; the contract types both.
    const value: unknown = await service.call(method, valid.value as never);
    return { ok: true, value: value ?? null };
  } catch (err) {
    return { ok: false, error: toWire(err) };
  }
}
