// The open lake as the whole renderer sees it, and the one place where lake
// change events become cache invalidation: views read `lake.info`,
// `lake.catalog` and `lake.revision`, and re-load their data when `revision`
// moves (a run committed, raw files landed, another lake was opened).

import type { CatalogSnapshot, LakeChange, LakeInfo } from '../../../../shared/contract';
import { api, errorMessage } from '../api';

class LakeState {
  info = $state<LakeInfo | null>(null);
  catalog = $state<CatalogSnapshot | null>(null);
  /** Bumped on every change to the lake; depend on it to re-load. */
  revision = $state(0);
  lastChange = $state<LakeChange | null>(null);
  error = $state<string | null>(null);
  connected = $state(true);
  private started = false;

  /** Loads the current lake and catalog, and starts listening for changes (once). */
  async start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      api.on('onDidChangeLake', (change) => {
        this.lastChange = change;
        void this.reloadCatalog().then(() => {
          this.revision += 1;
        });
      });
      api.onConnection((c) => {
        this.connected = c;
        if (c) void this.reloadCatalog();
      });
    }
    try {
      this.info = await api.call('lake.current', {});
      if (this.info !== null) await this.reloadCatalog();
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  async reloadCatalog(): Promise<void> {
    try {
      this.catalog = await api.call('catalog.list', {});
      this.info = this.catalog.lake;
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  async open(path: string): Promise<void> {
    this.info = await api.call('lake.open', { path });
    await this.reloadCatalog();
    this.revision += 1;
  }
}

export const lake = new LakeState();
