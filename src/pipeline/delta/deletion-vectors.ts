// Deletion vectors (PROTOCOL.md "Deletion Vectors", "Deletion Vector Format"):
// Z85 (Delta's 4-byte-block variant), where a descriptor's bitmap lives (u/p/i),
// the on-disk frame (big-endian size, bitmap, big-endian CRC-32, all verified)
// and the RoaringBitmapArray (portable 64-bit Roaring; the older native layout
// too). The result is the sorted 0-based row positions deleted from a file.

import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { PipelineError } from '../errors';
import type { DeletionVectorDescriptor } from './actions';
import type { Storage } from './storage';

export class DeletionVectorError extends PipelineError {
  override readonly name = 'DeletionVectorError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('IO', message, details);
  }
}

const Z85_CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < Z85_CHARS.length; i++) Z85_DECODE[Z85_CHARS.charCodeAt(i)] = i;

/** Z85 text (a multiple of 5 characters) → bytes (4 per block, big-endian). */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0)
    throw new Error(`Z85 text must be a multiple of 5 characters long (got ${text.length}).`);
  const out = new Uint8Array((text.length / 5) * 4);
  const view = new DataView(out.buffer);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let sum = 0;
    for (let k = 0; k < 5; k++) {
      const c = text.charCodeAt(i + k);
      const d = c < 128 ? (Z85_DECODE[c] ?? -1) : -1;
      if (d < 0) throw new Error(`'${text[i + k] ?? ''}' is not a Z85 character.`);
      sum = sum * 85 + d;
    }
    if (sum > 0xffffffff) throw new Error('Z85 block out of range.');
    view.setUint32(o, sum, false);
  }
  return out;
}

/** Bytes → Z85 (zero-padded to 4-byte blocks, as Delta's encoder does). */
export function z85Encode(bytes: Uint8Array): string {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  let out = '';
  for (let o = 0; o < padded.length; o += 4) {
    let v = view.getUint32(o, false);
    const block: string[] = [];
    for (let k = 0; k < 5; k++) {
      block.unshift(Z85_CHARS[v % 85] ?? '0');
      v = Math.floor(v / 85);
    }
    out += block.join('');
  }
  return out;
}

/** The UUID in canonical text of a 20-character Z85 string. */
export function z85DecodeUuid(text: string): string {
  const hex = Buffer.from(z85Decode(text)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Where a `u` descriptor's file is, relative to the table root: `[<prefix>/]deletion_vector_<uuid>.bin`. */
export function dvRelativePath(dv: DeletionVectorDescriptor): string {
  const s = dv.pathOrInlineDv;
  if (s.length < 20) throw new Error(`'${s}' is too short for a Z85-encoded UUID.`);
  const prefix = s.slice(0, -20);
  const file = `deletion_vector_${z85DecodeUuid(s.slice(-20))}.bin`;
  return prefix ? `${prefix}/${file}` : file;
}

/** Where the bitmap of a descriptor lives, for messages. */
export function dvLocation(dv: DeletionVectorDescriptor): string {
  if (dv.storageType === 'i') return 'inline in the log';
  try {
    return dv.storageType === 'u' ? dvRelativePath(dv) : dv.pathOrInlineDv;
  } catch {
    return dv.pathOrInlineDv;
  }
}

export interface DvContext {
  storage: Storage;
  /** The data file the DV belongs to, for messages. */
  dataFile: string;
  /** Files already read in this scan: a DV file usually holds the DVs of many data files. */
  cache?: Map<string, Promise<Uint8Array>>;
}

/** The sorted 0-based row positions a descriptor deletes, checked against its size, CRC-32 and cardinality. */
export async function readDeletionVector(
  dv: DeletionVectorDescriptor,
  ctx: DvContext,
): Promise<Float64Array> {
  const fail = (why: string): never => {
    throw new DeletionVectorError(
      `The deletion vector of ${ctx.dataFile} in the Delta table ${ctx.storage.root} (${dvLocation(dv)}) ${why}. The table is damaged; restore the file or rewrite the table with Spark/delta-rs (REORG … APPLY (PURGE)).`,
      { table: ctx.storage.root, dataFile: ctx.dataFile, dv: dvLocation(dv) },
    );
  };
  if (dv.cardinality === 0) return new Float64Array(0);
  let bitmap: Uint8Array;
  try {
    bitmap =
      dv.storageType === 'i'
        ? z85Decode(dv.pathOrInlineDv).subarray(0, dv.sizeInBytes)
        : await readFramed(dv, ctx);
  } catch (err) {
    if (err instanceof DeletionVectorError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'is missing' : `cannot be read: ${(err as Error).message}`);
  }
  let rows: Float64Array;
  try {
    rows = decodeRoaringBitmapArray(bitmap);
  } catch (err) {
    return fail(`is not a valid RoaringBitmapArray: ${(err as Error).message}`);
  }
  if (rows.length !== dv.cardinality) fail(`holds ${rows.length} rows but the log says ${dv.cardinality}`);
  return rows;
}

/** On-disk frame at `offset`: u32 BE size, the bitmap, u32 BE CRC-32 of the bitmap. */
async function readFramed(dv: DeletionVectorDescriptor, ctx: DvContext): Promise<Uint8Array> {
  const file = await readDvFile(dv, ctx);
  const offset = dv.offset ?? 0;
  const where = `${dvLocation(dv)}@${offset}`;
  const bad = (why: string): DeletionVectorError =>
    new DeletionVectorError(
      `The deletion vector ${where} of ${ctx.dataFile} in the Delta table ${ctx.storage.root} ${why}. The table is damaged; restore the DV file from a backup.`,
      { table: ctx.storage.root, dataFile: ctx.dataFile, dv: where },
    );
  if (offset + 4 > file.length) throw bad('lies beyond the end of its file');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const size = view.getUint32(offset, false);
  if (size !== dv.sizeInBytes) throw bad(`has size ${size} in its file but ${dv.sizeInBytes} in the log`);
  if (offset + 8 + size > file.length) throw bad('is cut short');
  const data = file.subarray(offset + 4, offset + 4 + size);
  const expected = view.getUint32(offset + 4 + size, false);
  if (crc32(data) >>> 0 !== expected) throw bad('fails its CRC-32 check');
  return data;
}

function readDvFile(dv: DeletionVectorDescriptor, ctx: DvContext): Promise<Uint8Array> {
  const key = dvLocation(dv);
  const cached = ctx.cache?.get(key);
  if (cached) return cached;
  const p = loadDvFile(dv, ctx.storage);
  ctx.cache?.set(key, p);
  return p;
}

async function loadDvFile(dv: DeletionVectorDescriptor, storage: Storage): Promise<Uint8Array> {
  if (dv.storageType === 'u') return storage.read(dvRelativePath(dv));
  if (dv.storageType !== 'p') throw new Error(`unknown storage type '${String(dv.storageType)}'`);
  const raw = dv.pathOrInlineDv;
  let abs: string;
  if (raw.startsWith('file:')) abs = fileURLToPath(raw);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw))
    throw new Error(`the URI scheme of ${raw} is not supported (local files only)`);
  else abs = decodeURIComponent(raw);
  const root = path.resolve(storage.root);
  const rel = path.relative(root, path.resolve(abs));
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return storage.read(rel.split(path.sep).join('/'));
  return fs.readFile(abs);
}

const PORTABLE_MAGIC = 1681511377;
const NATIVE_MAGIC = 1681511376;
/** NATIVE_MAGIC read little-endian from bytes written big-endian. */
const NATIVE_MAGIC_BE = 0xd0d33964;

/** Delta's RoaringBitmapArray (little-endian magic + 64-bit Roaring) → sorted positions. */
export function decodeRoaringBitmapArray(bytes: Uint8Array): Float64Array {
  const r = new Reader(bytes);
  const magic = r.u32();
  const out: number[] = [];
  if (magic === PORTABLE_MAGIC) {
    const buckets = r.u64();
    let last = -1;
    for (let b = 0; b < buckets; b++) {
      const key = r.u32();
      if (key <= last || key >= 0x80000000) throw new Error(`bucket key ${key} out of order or negative`);
      last = key;
      readRoaring32(r, key, out);
    }
  } else if (magic === NATIVE_MAGIC || magic === NATIVE_MAGIC_BE) {
    // The native layout: u32 count, then per bucket u32 size + bitmap. PROTOCOL.md's
    // inline example writes its header big-endian; real writers write little-endian.
    const le = magic === NATIVE_MAGIC;
    const n = r.u32(le);
    for (let key = 0; key < n; key++) {
      const size = r.u32(le);
      const end = r.pos + size;
      readRoaring32(r, key, out);
      r.pos = end;
    }
  } else {
    throw new Error(`unknown magic number ${magic}`);
  }
  return Float64Array.from(out);
}

const SERIAL_COOKIE_NO_RUN = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;

/** One portable 32-bit RoaringBitmap (RoaringFormatSpec), values offset by `high` × 2^32. */
function readRoaring32(r: Reader, high: number, out: number[]): void {
  const base = high * 2 ** 32;
  if (base + 2 ** 32 > Number.MAX_SAFE_INTEGER)
    throw new Error('row positions beyond 2^53 are not supported');
  const cookie = r.u32();
  let n: number;
  let runFlags: Uint8Array | null = null;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    n = (cookie >>> 16) + 1;
    runFlags = r.bytes(Math.ceil(n / 8));
  } else if (cookie === SERIAL_COOKIE_NO_RUN) {
    n = r.u32();
  } else {
    throw new Error(`bad Roaring cookie ${cookie}`);
  }
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < n; i++) {
    keys.push(r.u16());
    cards.push(r.u16() + 1);
  }
  if (!runFlags || n >= NO_OFFSET_THRESHOLD) r.skip(4 * n);
  for (let i = 0; i < n; i++) {
    const hi = base + (keys[i] ?? 0) * 65536;
    const card = cards[i] ?? 0;
    const isRun = runFlags !== null && ((runFlags[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
    if (isRun) {
      const runs = r.u16();
      for (let k = 0; k < runs; k++) {
        const start = r.u16();
        const len = r.u16();
        for (let v = start; v <= start + len; v++) out.push(hi + v);
      }
    } else if (card <= 4096) {
      for (let k = 0; k < card; k++) out.push(hi + r.u16());
    } else {
      for (let w = 0; w < 2048; w++) {
        let word = r.u32();
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          out.push(hi + w * 32 + bit);
          word &= word - 1;
        }
      }
    }
  }
}

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error('unexpected end of data');
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(littleEndian = true): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, littleEndian);
    this.pos += 4;
    return v;
  }
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    if (hi !== 0) throw new Error('bucket count beyond 2^32');
    return lo;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}

/** Sorted positions → half-open runs [start, end), so long deleted stretches stay small in SQL. */
export function toRuns(rows: ArrayLike<number>): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i] ?? 0;
    const last = runs[runs.length - 1];
    if (last && last[1] === v) last[1] = v + 1;
    else runs.push([v, v + 1]);
  }
  return runs;
}
