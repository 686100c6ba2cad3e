// Watch mode's file side: reports raw files under raw/<source>/dt=YYYY-MM-DD/ that
// landed, changed or went away, in debounced batches. A file counts once it is stable
// (size and mtime unchanged for `stabilityMs`); dotfiles, paths outside a source's
// partitions and the files there at start are never reported. On network file systems,
// where other machines' writes raise no events, it polls.

import fs from 'node:fs';
import path from 'node:path';
import { watch } from 'chokidar';
import type { Disposable } from '../../shared/disposable';
import type { ProjectConfig } from '../config/project';
import { PipelineError } from '../errors';
import type { Lake } from './lake';
import { PARTITION_DIR } from './layout';
import { networkFileSystem } from './network-fs';
import { sourceDir } from './raw-files';

export interface RawChange {
  source: string;
  /** Arrival date from the dt= folder. */
  dt: string;
  path: string;
  /** For 'removed': the last size and mtime reported or seen at start. */
  size: number;
  mtimeMs: number;
  kind: 'added' | 'changed' | 'removed';
}

export interface WatchOptions {
  /** A batch of changes, sorted by source, dt, path; the next batch waits until this one settles. */
  onChange(batch: RawChange[]): void | Promise<void>;
  /** Watching failed (folder deleted, too many watchers, …); the watcher keeps running when it can. */
  onError(err: PipelineError): void;
  /** 'auto' (default) polls on network file systems only. */
  poll?: 'auto' | boolean;
  pollIntervalMs?: number;
  /**
   * How long size and mtime must stay unchanged before a file counts (default 1000). NFS
   * clients cache attributes (acregmax, up to 60 s by default), so a file written on
   * another machine can look still while it grows: there, use more than the mount's
   * attribute cache time, or have writers rename complete files in.
   */
  stabilityMs?: number;
  /** Quiet time after the last change before a batch is delivered (default 500). */
  debounceMs?: number;
}

export interface RawWatcher extends Disposable {
  /** Whether the watcher polls (forced, or a network file system was detected). */
  readonly polling: boolean;
  /** The network file system that made 'auto' poll, e.g. 'nfs', or null. */
  readonly fileSystem: string | null;
  /** Resolved: watchRaw returns once the initial scan is done. */
  readonly ready: Promise<void>;
  dispose(): Promise<void>;
}

/** A watcher problem the user can act on: the message names the folder and the fix. */
export class WatchError extends PipelineError {
  override readonly name = 'WatchError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('IO', message, details);
  }
}

/** lakehouse.yml `watch:` with its defaults applied. */
export function watchSettings(
  project: ProjectConfig,
): Required<Pick<WatchOptions, 'poll' | 'pollIntervalMs' | 'stabilityMs'>> {
  const w = project.watch;
  return {
    poll: w?.poll ?? 'auto',
    pollIntervalMs: w?.poll_interval_ms ?? 2000,
    stabilityMs: w?.stability_ms ?? 1000,
  };
}

interface FileState {
  size: number;
  mtimeMs: number;
}

interface Located {
  source: string;
  dt: string;
}

/** Maps paths to sources: `raw/<source path>/dt=D/<file>`; decides what chokidar may skip. */
class RawPaths {
  private readonly roots: { source: string; dir: string }[];
  constructor(private readonly lake: Lake) {
    this.roots = lake.sources.map((s) => ({ source: s.name, dir: sourceDir(lake.layout, s, 'raw') }));
  }

  /** The source and partition of a raw file, or null when it is not one. */
  locate(p: string): Located | null {
    for (const r of this.roots) {
      const rest = below(r.dir, p);
      if (rest?.length !== 2 || rest.some((s) => s.startsWith('.'))) continue;
      const dt = PARTITION_DIR.exec(rest[0] ?? '')?.[1];
      if (dt) return { source: r.source, dt };
    }
    return null;
  }

  /** chokidar's `ignored`: keep the lake root, the folders leading to sources, partitions and their files. */
  ignored(p: string): boolean {
    const { root, raw } = this.lake.layout;
    if (p === root) return false;
    const inRaw = below(raw, p);
    if (!inRaw) return true;
    if (inRaw.some((s) => s.startsWith('.'))) return true;
    return !this.roots.some((r) => {
      if (below(p, r.dir)) return true;
      const rest = below(r.dir, p);
      return rest !== null && rest.length <= 2 && PARTITION_DIR.test(rest[0] ?? '');
    });
  }
}

/** The path segments of `p` below `dir` ([] for dir itself), or null when p is not inside. */
function below(dir: string, p: string): string[] | null {
  const rel = path.relative(dir, p);
  if (rel === '') return [];
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  return rel.split(path.sep);
}

/** How batches merge: a change the consumer never saw and that is gone again is dropped. */
function merge(prev: RawChange | undefined, next: RawChange): RawChange | null {
  if (!prev) return next;
  if (prev.kind === 'added') return next.kind === 'removed' ? null : { ...next, kind: 'added' };
  if (prev.kind === 'removed') return next.kind === 'removed' ? next : { ...next, kind: 'changed' };
  return next.kind === 'removed' ? next : { ...next, kind: 'changed' };
}

function watchError(err: unknown, rawDir: string): WatchError {
  const e = err as NodeJS.ErrnoException;
  const fix = 'or set `watch: { poll: true }` in lakehouse.yml';
  switch (e.code) {
    case 'ENOSPC':
      return new WatchError(
        `Cannot watch ${rawDir}: the system's limit of file watchers is reached. Raise fs.inotify.max_user_watches, ${fix}.`,
        { code: e.code },
      );
    case 'EMFILE':
    case 'ENFILE':
      return new WatchError(
        `Cannot watch ${rawDir}: too many open files. Raise the open-file limit (ulimit -n), ${fix}.`,
        { code: e.code },
      );
    case 'EACCES':
    case 'EPERM':
      return new WatchError(
        `Cannot watch ${e.path ?? rawDir}: permission denied. Give this user read access to the raw folders.`,
        { code: e.code },
      );
    default:
      return new WatchError(`Watching ${rawDir} failed: ${e.message ?? String(err)}`, { code: e.code });
  }
}

/** Starts watching the lake's raw/ folder; resolves once the initial scan is done. */
export async function watchRaw(lake: Lake, opts: WatchOptions): Promise<RawWatcher> {
  const stabilityMs = opts.stabilityMs ?? 1000;
  const debounceMs = opts.debounceMs ?? 500;
  const pollIntervalMs = opts.pollIntervalMs ?? 2000;
  const detected = opts.poll === 'auto' || opts.poll === undefined ? await detectNetwork(lake) : null;
  const polling = opts.poll === true || detected !== null;
  const paths = new RawPaths(lake);
  const tracker = new ChangeTracker(paths, {
    stabilityMs,
    debounceMs,
    onChange: opts.onChange,
    onError: opts.onError,
  });
  // The lake root is watched (raw/ pruned down by `ignored`) so raw/ can be deleted and re-created.
  const watcher = watch(lake.layout.root, {
    ignored: (p: string) => paths.ignored(p),
    ignoreInitial: false,
    alwaysStat: true,
    disableGlobbing: true,
    usePolling: polling,
    interval: pollIntervalMs,
    binaryInterval: pollIntervalMs,
  });
  let isReady = false;
  watcher.on('add', (p: string, st?: fs.Stats) => tracker.seen(p, st, isReady));
  watcher.on('change', (p: string, st?: fs.Stats) => tracker.seen(p, st, isReady));
  watcher.on('unlink', (p: string) => tracker.gone(p));
  watcher.on('unlinkDir', (p: string) => {
    tracker.gone(p, true);
    if (p === lake.layout.raw || p === lake.layout.root) {
      opts.onError(
        new WatchError(
          `${p} was deleted. Files that land after it is re-created are still reported; to stop, close the lake.`,
        ),
      );
    }
  });
  watcher.on('error', (err: unknown) => opts.onError(watchError(err, lake.layout.raw)));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  await ready;
  isReady = true;
  tracker.checkYoung();
  return {
    polling,
    fileSystem: detected,
    ready,
    async dispose() {
      tracker.dispose();
      await watcher.close();
    },
  };
}

async function detectNetwork(lake: Lake): Promise<string | null> {
  // raw/ or a single source's folder may be a mount of its own.
  const dirs = [lake.layout.raw, ...lake.sources.map((s) => sourceDir(lake.layout, s, 'raw'))];
  for (const dir of dirs) {
    const fsName = fs.existsSync(dir) ? await networkFileSystem(dir) : null;
    if (fsName) return fsName;
  }
  return null;
}

interface TrackerOptions {
  stabilityMs: number;
  debounceMs: number;
  onChange: WatchOptions['onChange'];
  onError: WatchOptions['onError'];
}

/**
 * The state behind the events: `known` is what the consumer knows (initial files and
 * everything reported since); `pending` are files waiting to be stable; `queue` is the
 * next batch. Stability is checked by stat, not inferred from events, because polling
 * and network mounts deliver events late or coalesced.
 */
class ChangeTracker {
  private readonly known = new Map<string, FileState>();
  private readonly pending = new Map<string, FileState & { since: number }>();
  private readonly queue = new Map<string, RawChange>();
  private tickTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private firstQueued: number | null = null;
  private flushing = false;
  private disposed = false;

  constructor(
    private readonly paths: RawPaths,
    private readonly opts: TrackerOptions,
  ) {}

  seen(p: string, st: fs.Stats | undefined, afterReady: boolean): void {
    if (this.disposed || !this.paths.locate(p)) return;
    if (!afterReady && st) {
      this.known.set(p, { size: st.size, mtimeMs: st.mtimeMs });
      return;
    }
    // Every event restarts the stability clock: the file is still moving.
    this.pending.set(p, { size: st?.size ?? -1, mtimeMs: st?.mtimeMs ?? -1, since: Date.now() });
    this.armTick();
  }

  /** Initial files modified within the stability window may still be growing: watch them settle. */
  checkYoung(): void {
    const cutoff = Date.now() - this.opts.stabilityMs;
    for (const [p, s] of this.known) {
      if (s.mtimeMs >= cutoff) this.pending.set(p, { ...s, since: Date.now() });
    }
    this.armTick();
  }

  gone(p: string, isDir = false): void {
    if (this.disposed) return;
    const hit = (q: string): boolean => q === p || (isDir && q.startsWith(p + path.sep));
    for (const q of [...this.pending.keys()]) if (hit(q)) this.pending.delete(q);
    for (const [q, s] of [...this.known]) {
      if (!hit(q)) continue;
      this.known.delete(q);
      const at = this.paths.locate(q);
      if (at) this.enqueue({ ...at, path: q, ...s, kind: 'removed' });
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.pending.clear();
    this.queue.clear();
  }

  private armTick(): void {
    if (this.tickTimer || this.disposed || this.pending.size === 0) return;
    const every = Math.max(25, Math.min(250, this.opts.stabilityMs / 4));
    this.tickTimer = setTimeout(() => void this.tick(), every);
  }

  private async tick(): Promise<void> {
    const entries = [...this.pending];
    await Promise.all(entries.map(([p, prev]) => this.check(p, prev)));
    this.tickTimer = null;
    this.armTick();
  }

  private async check(p: string, prev: FileState & { since: number }): Promise<void> {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(p);
    } catch (err) {
      // Gone before it settled: the unlink event reports it if the consumer knew it.
      if (this.disposed) return;
      if (this.pending.get(p) === prev) this.pending.delete(p);
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.opts.onError(watchError(err, p));
      return;
    }
    if (this.disposed || this.pending.get(p) !== prev) return;
    const now = Date.now();
    if (st.size !== prev.size || st.mtimeMs !== prev.mtimeMs) {
      this.pending.set(p, { size: st.size, mtimeMs: st.mtimeMs, since: now });
    } else if (now - prev.since >= this.opts.stabilityMs) {
      this.pending.delete(p);
      this.settled(p, { size: st.size, mtimeMs: st.mtimeMs });
    }
  }

  private settled(p: string, s: FileState): void {
    const at = this.paths.locate(p);
    if (!at) return;
    const before = this.known.get(p);
    this.known.set(p, s);
    if (before && before.size === s.size && before.mtimeMs === s.mtimeMs) return;
    this.enqueue({ ...at, path: p, ...s, kind: before ? 'changed' : 'added' });
  }

  private enqueue(change: RawChange): void {
    const merged = merge(this.queue.get(change.path), change);
    if (merged) this.queue.set(change.path, merged);
    else this.queue.delete(change.path);
    this.armFlush();
  }

  /** Debounce: deliver `debounceMs` after the last change, but never hold a batch longer than 10× that. */
  private armFlush(): void {
    if (this.disposed || this.queue.size === 0) return;
    const now = Date.now();
    this.firstQueued ??= now;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    const wait = Math.min(this.opts.debounceMs, this.firstQueued + this.opts.debounceMs * 10 - now);
    this.flushTimer = setTimeout(() => void this.flush(), Math.max(0, wait));
  }

  private async flush(): Promise<void> {
    this.flushTimer = null;
    if (this.flushing || this.disposed) return;
    const batch = [...this.queue.values()].sort(
      (a, b) => a.source.localeCompare(b.source) || a.dt.localeCompare(b.dt) || a.path.localeCompare(b.path),
    );
    this.queue.clear();
    this.firstQueued = null;
    if (batch.length === 0) return;
    this.flushing = true;
    try {
      await this.opts.onChange(batch);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.opts.onError(new WatchError(`Handling ${batch.length} raw file change(s) failed: ${message}`));
    } finally {
      this.flushing = false;
      this.armFlush();
    }
  }
}
