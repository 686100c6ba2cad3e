// The CLI's door to the Workbench service: commands that have a feature in the
// service open the lake through it, in-process and without the watcher, call
// its methods, and close it when done, so the CLI and the app share one code path.

import { createWorkbenchService } from '../pipeline';
import type { LakeInfo, WorkbenchService } from '../shared/contract';

export async function withService<T>(
  dir: string,
  fn: (service: WorkbenchService, lake: LakeInfo) => Promise<T>,
): Promise<T> {
  const service = createWorkbenchService({ watch: false });
  try {
    const lake = await service.call('lake.open', { path: dir });
    return await fn(service, lake);
  } finally {
    await service.dispose();
  }
}
