// Lists the files of a raw source: every dt=YYYY-MM-DD partition under raw/
// and archive/ (cold storage keeps the same layout), only complete files of the
// source's format. Names starting with '.' are files still being written.

import fs from 'node:fs';
import path from 'node:path';
import type { SourceDef, SourceFormat } from '../config/sources';
import type { LakeLayout } from './layout';
import { PARTITION_DIR } from './layout';

const EXTENSIONS: Record<SourceFormat, readonly string[]> = {
  jsonl: ['.jsonl', '.json', '.ndjson'],
  csv: ['.csv'],
  parquet: ['.parquet'],
};

export interface RawFile {
  path: string;
  /** Arrival date from the dt= folder. */
  dt: string;
  size: number;
  mtimeMs: number;
  zone: 'raw' | 'archive';
}

/** The folder of a source in a zone: `raw/<name>` maps to `archive/<name>` for cold storage. */
export function sourceDir(layout: LakeLayout, source: SourceDef, zone: 'raw' | 'archive'): string {
  const rel = source.path.replace(/^raw(\/|$)/, '');
  return path.join(zone === 'raw' ? layout.raw : layout.archive, rel);
}

export function listRawFiles(
  layout: LakeLayout,
  source: SourceDef,
  range?: { from: string; to: string },
): RawFile[] {
  const out: RawFile[] = [];
  const exts = EXTENSIONS[source.format];
  for (const zone of ['archive', 'raw'] as const) {
    const dir = sourceDir(layout, source, zone);
    let parts: fs.Dirent[];
    try {
      parts = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const part of parts) {
      const dt = PARTITION_DIR.exec(part.name)?.[1];
      if (!part.isDirectory() || !dt) continue;
      if (range && (dt < range.from || dt > range.to)) continue;
      const partDir = path.join(dir, part.name);
      for (const f of fs.readdirSync(partDir, { withFileTypes: true })) {
        if (!f.isFile() || f.name.startsWith('.') || !exts.some((e) => f.name.endsWith(e))) continue;
        const full = path.join(partDir, f.name);
        const st = fs.statSync(full);
        out.push({ path: full, dt, size: st.size, mtimeMs: st.mtimeMs, zone });
      }
    }
  }
  // A partition caught mid-move between zones is read once: the hot copy wins.
  const byName = new Map<string, RawFile>();
  for (const f of out) byName.set(`${f.dt}/${path.basename(f.path)}`, f);
  return [...byName.values()].sort((a, b) =>
    a.dt === b.dt ? a.path.localeCompare(b.path) : a.dt.localeCompare(b.dt),
  );
}
