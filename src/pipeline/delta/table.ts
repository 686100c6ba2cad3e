// A Delta table as the code sees it: where its bytes are (Storage) and the
// engine that reads parquet for it (checkpoints, data). Everything in delta/
// takes a DeltaTable rather than a path, so tests can swap either part.

import type { EngineClient } from '../engine/client';
import { LocalStorage } from './storage';
import type { Storage } from './storage';

export interface DeltaTable {
  storage: Storage;
  /** A DuckDB engine without a sandbox (the pipeline instance) or one allowed to read this table. */
  engine: EngineClient;
}

export function localTable(root: string, engine: EngineClient): DeltaTable {
  return { storage: new LocalStorage(root), engine };
}
