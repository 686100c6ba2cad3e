// File names in `_delta_log/`: commits, checkpoints (classic, multi-part, V2),
// log compactions, `_last_checkpoint`. Versions are 20-digit zero-padded.

export const LOG_DIR = '_delta_log';
export const LAST_CHECKPOINT = '_last_checkpoint';
export const SIDECARS_DIR = '_sidecars';

export function versionName(version: number): string {
  return String(version).padStart(20, '0');
}

export function commitFileName(version: number): string {
  return `${versionName(version)}.json`;
}

export function checkpointFileName(version: number): string {
  return `${versionName(version)}.checkpoint.parquet`;
}

export type LogFile =
  | { kind: 'commit'; version: number; name: string }
  | { kind: 'checkpoint'; version: number; name: string; part: number; parts: number }
  | { kind: 'checkpointV2'; version: number; name: string; uuid: string; format: 'parquet' | 'json' }
  | { kind: 'compaction'; version: number; endVersion: number; name: string };

const COMMIT = /^(\d{20})\.json$/;
const CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2 = /^(\d{20})\.checkpoint\.([0-9a-fA-F-]{36})\.(parquet|json)$/;
const COMPACTION = /^(\d{20})\.(\d{20})\.compacted\.json$/;

/** Classifies a `_delta_log` entry; null for anything else (.crc files, temp files, _last_checkpoint). */
export function parseLogFileName(name: string): LogFile | null {
  let m = COMMIT.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]), name };
  m = CHECKPOINT.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), name, part: 1, parts: 1 };
  m = MULTIPART.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), name, part: Number(m[2]), parts: Number(m[3]) };
  m = V2.exec(name);
  if (m)
    return {
      kind: 'checkpointV2',
      version: Number(m[1]),
      name,
      uuid: m[2] ?? '',
      format: m[3] === 'json' ? 'json' : 'parquet',
    };
  m = COMPACTION.exec(name);
  if (m) return { kind: 'compaction', version: Number(m[1]), endVersion: Number(m[2]), name };
  return null;
}
