// Which lake the desktop app shows: opening a folder (menu, Open Recent, start-up), creating a
// sample lake, and the start-up choice — LAKEHOUSE_LAKE, else the last lake opened, else the
// bundled sample lake in the user-data folder, created and built on first start. Every failure
// is shown to the user and leaves the app running. No Electron import: main injects dialogs.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LakeInfo, WorkbenchService } from '../shared/contract';
import type { RecentLakes } from './recent';

export interface LakeControllerOptions {
  service: () => WorkbenchService;
  recent: RecentLakes;
  /** Called with the new recent list (the menu rebuilds). */
  onRecentChanged: (lakes: string[]) => void;
  showError: (title: string, message: string) => void;
  log: (message: string) => void;
  /** Where the sample lake of first start lives (<userData>/sample-lake). */
  sampleLakeDir: string;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class LakeController {
  constructor(private readonly options: LakeControllerOptions) {}

  /** Opens a lake folder and puts it first in Open Recent; null (after telling the user) on failure. */
  async open(lakePath: string): Promise<LakeInfo | null> {
    try {
      const info = await this.options.service().call('lake.open', { path: lakePath });
      this.options.onRecentChanged(this.options.recent.add(info.path));
      return info;
    } catch (err) {
      this.options.showError('Cannot open the lake', `${lakePath}\n\n${errorText(err)}`);
      // A recent entry that is no longer a lake would fail at every start.
      if (!existsSync(path.join(lakePath, 'lakehouse.yml'))) {
        this.options.onRecentChanged(this.options.recent.remove(lakePath));
      }
      return null;
    }
  }

  /** Creates the sample lake at `lakePath`, opens it and builds its tables in the background. */
  async createSample(lakePath: string, options: { days?: number } = {}): Promise<LakeInfo | null> {
    try {
      const info = await this.options.service().call('lake.createSample', {
        path: lakePath,
        ...(options.days !== undefined ? { days: options.days } : {}),
      });
      this.options.onRecentChanged(this.options.recent.add(info.path));
      await this.buildIfNeeded();
      return info;
    } catch (err) {
      this.options.showError('Cannot create the sample lake', `${lakePath}\n\n${errorText(err)}`);
      return null;
    }
  }

  /** Starts a run when the open lake has partitions to build (the window shows its progress). */
  async buildIfNeeded(): Promise<void> {
    const service = this.options.service();
    const plan = await service.call('pipeline.plan', { kind: 'run' });
    if (plan.tasks.length === 0) return;
    const { runId } = await service.call('pipeline.start', { kind: 'run' });
    this.options.log(`building the lake's tables (run ${runId})`);
  }

  /** The start-up choice; see the module comment. */
  async openAtStart(fromEnv: string | undefined): Promise<LakeInfo | null> {
    if (fromEnv !== undefined && fromEnv !== '') return this.open(path.resolve(fromEnv));
    const last = this.options.recent.list()[0];
    if (last !== undefined && existsSync(path.join(last, 'lakehouse.yml'))) return this.open(last);
    const sample = this.options.sampleLakeDir;
    if (!existsSync(path.join(sample, 'lakehouse.yml'))) {
      this.options.log(`first start: creating the sample lake in ${sample}`);
      return this.createSample(sample, { days: 7 });
    }
    const info = await this.open(sample);
    if (info !== null) await this.buildIfNeeded().catch((err: unknown) => this.options.log(errorText(err)));
    return info;
  }
}
