// Deletion vectors: Z85, the `u` path rule, the RoaringBitmapArray decoder
// (array, run and bitmap containers, several 32-bit buckets — fixtures written
// by the Java RoaringBitmap 1.3.0 library), the on-disk frame with its CRC, and
// every DV in the reference tables' logs decoded to its logged cardinality.
import fs from 'node:fs';
import path from 'node:path';
import { crc32, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DeletionVectorDescriptor } from '../../src/pipeline/delta/actions';
import {
  decodeRoaringBitmapArray,
  DeletionVectorError,
  dvRelativePath,
  readDeletionVector,
  toRuns,
  z85Decode,
  z85DecodeUuid,
  z85Encode,
} from '../../src/pipeline/delta/deletion-vectors';
import { LocalStorage, MemoryStorage } from '../../src/pipeline/delta/storage';
import { DELTA_TESTDATA } from '../helpers/testdata';

const TESTDATA = DELTA_TESTDATA;

describe('Z85', () => {
  it('round-trips bytes (zero-padded to 4-byte blocks)', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37) & 0xff);
    expect(z85Decode(z85Encode(bytes))).toEqual(bytes);
    expect(z85Encode(new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]))).toBe('HelloWorld'); // the Z85 spec's example
  });
  it('rejects bad input', () => {
    expect(() => z85Decode('abcd')).toThrow(/multiple of 5/);
    expect(() => z85Decode('abc"e')).toThrow(/Z85 character/);
  });
  it('decodes the UUID of a `u` descriptor, with and without a random prefix (PROTOCOL.md example)', () => {
    const dv = (p: string): DeletionVectorDescriptor => ({
      storageType: 'u',
      pathOrInlineDv: p,
      offset: 4,
      sizeInBytes: 40,
      cardinality: 6,
    });
    expect(dvRelativePath(dv('ab^-aqEH.-t@S}K{vb[*k^'))).toBe(
      'ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin',
    );
    expect(dvRelativePath(dv('^-aqEH.-t@S}K{vb[*k^'))).toBe(
      'deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin',
    );
    expect(z85DecodeUuid('7NnC4LX-RqU.S:B4VD9n')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });
});

describe('decodeRoaringBitmapArray', () => {
  it("decodes PROTOCOL.md's inline example to rows 3, 4, 7, 11, 18, 29", () => {
    const bytes = z85Decode('wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L').subarray(0, 40);
    expect(Array.from(decodeRoaringBitmapArray(bytes))).toEqual([3, 4, 7, 11, 18, 29]);
  });

  // Serialized with org.roaringbitmap 1.3.0 (RoaringBitmap.serialize per bucket, Delta's portable header), gzipped.
  const fixtures: {
    name: string;
    gz: string;
    card: number;
    sum: number;
    first: number;
    last: number;
    head?: number[];
  }[] = [
    {
      name: 'array containers {0,1,2,100,65535,65536,70000}',
      gz: 'H4sIAAAAAAAA/7t42TKFkQEBrAwYGJjALBYGRiCUALKUwHxGoHgKw///DAwFggCb1BO/NgAAAA==',
      card: 7,
      sum: 201174,
      first: 0,
      last: 70000,
      head: [0, 1, 2, 100, 65535, 65536, 70000],
    },
    {
      name: 'run containers, 4 containers (offset header present)',
      gz: 'H4sIAAAAAAAA/7t42TKFkQEBrA2YGXgZGGqFQYLMDPs/sTDcn6wKZGsDsS4QGwMxIwMXUEWBICODA+/+TyCV9ycDAKBR2dtJAAAA',
      card: 104991,
      sum: 25012517455,
      first: 10,
      last: 299999,
    },
    {
      name: 'run containers, 2 containers (no offset header)',
      gz: 'H4sIAAAAAAAA/7t42TKFkQEBrA0YGYD87dwgCiSxnZudgYMBAEvC0+InAAAA',
      card: 3002,
      sum: 4629587,
      first: 0,
      last: 65544,
    },
    {
      name: 'bitmap container + buckets 1 and 2 (rows ≥ 2^32)',
      gz: 'H4sIAAAAAAAA/+3awQ2CQBCG0R+J8eqRcOJgAV6lAwqgAyqiM0JBuCAJNZi8yZvNTg/fsn6mOtf07+R2/MbxWd5m3y4Z5hcAAAAAAAAA8OeS6qwDqrMU2OuA+9EKXM1Asm2/ZqAt+yjXFwFnju9gIAAA',
      card: 21850,
      sum: 26486691168,
      first: 0,
      last: 12884901887,
    },
  ];
  it.each(fixtures)('$name', ({ gz, card, sum, first, last, head }) => {
    const rows = decodeRoaringBitmapArray(gunzipSync(Buffer.from(gz, 'base64')));
    expect(rows.length).toBe(card);
    expect(rows.reduce((a, b) => a + b, 0)).toBe(sum);
    expect(rows[0]).toBe(first);
    expect(rows[rows.length - 1]).toBe(last);
    for (let i = 1; i < rows.length; i++)
      if ((rows[i] ?? 0) <= (rows[i - 1] ?? 0)) throw new Error(`not sorted at ${i}`);
    if (head) expect(Array.from(rows)).toEqual(head);
  });

  it('rejects an unknown magic number and truncated data', () => {
    expect(() => decodeRoaringBitmapArray(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]))).toThrow(/magic/);
    const good = gunzipSync(Buffer.from(fixtures[0]?.gz ?? '', 'base64'));
    expect(() => decodeRoaringBitmapArray(good.subarray(0, good.length - 3))).toThrow(/end of data/);
  });
});

describe('readDeletionVector', () => {
  const bitmap = gunzipSync(
    Buffer.from('H4sIAAAAAAAA/7t42TKFkQEBrAwYGJjALBYGRiCUALKUwHxGoHgKw///DAwFggCb1BO/NgAAAA==', 'base64'),
  );
  /** A DV file as Spark writes it: version byte 1, then per DV u32 BE size, bitmap, u32 BE CRC-32. */
  const frame = (data: Uint8Array, crc = crc32(data)): Buffer => {
    const head = Buffer.alloc(5);
    head.writeUInt8(1, 0);
    head.writeUInt32BE(data.length, 1);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc >>> 0, 0);
    return Buffer.concat([head, data, tail]);
  };
  const uuidZ85 = '^-aqEH.-t@S}K{vb[*k^';
  const file = 'deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin';
  const dv = (over: Partial<DeletionVectorDescriptor> = {}): DeletionVectorDescriptor => ({
    storageType: 'u',
    pathOrInlineDv: uuidZ85,
    offset: 1,
    sizeInBytes: bitmap.length,
    cardinality: 7,
    ...over,
  });
  const ctx = (storage: MemoryStorage): { storage: MemoryStorage; dataFile: string } => ({
    storage,
    dataFile: 'part-0.parquet',
  });

  it('reads a `u` DV at its offset and checks size, CRC-32 and cardinality', async () => {
    const storage = new MemoryStorage('/t');
    await storage.put(file, frame(bitmap));
    expect(Array.from(await readDeletionVector(dv(), ctx(storage)))).toEqual([
      0, 1, 2, 100, 65535, 65536, 70000,
    ]);
  });

  it('reads inline DVs and `p` paths, and empty DVs without any file', async () => {
    const storage = new MemoryStorage('/t');
    await storage.put('sub/x.bin', frame(bitmap));
    const inline = dv({ storageType: 'i', pathOrInlineDv: z85Encode(bitmap), offset: null });
    expect((await readDeletionVector(inline, ctx(storage))).length).toBe(7);
    expect(
      (
        await readDeletionVector(
          dv({ storageType: 'p', pathOrInlineDv: 'file:///t/sub/x.bin' }),
          ctx(storage),
        )
      ).length,
    ).toBe(7);
    expect(
      (await readDeletionVector(dv({ cardinality: 0, pathOrInlineDv: 'nope' }), ctx(storage))).length,
    ).toBe(0);
  });

  const broken: [string, (s: MemoryStorage) => Promise<void>, Partial<DeletionVectorDescriptor>, RegExp][] = [
    ['a missing file', async () => undefined, {}, /is missing/],
    ['a bad CRC', (s) => s.put(file, frame(bitmap, 12345)), {}, /CRC-32/],
    ['a size mismatch', (s) => s.put(file, frame(bitmap)), { sizeInBytes: bitmap.length + 1 }, /has size/],
    [
      'a cardinality mismatch',
      (s) => s.put(file, frame(bitmap)),
      { cardinality: 6 },
      /holds 7 rows but the log says 6/,
    ],
    ['an offset past the end', (s) => s.put(file, frame(bitmap)), { offset: 500 }, /beyond the end/],
  ];
  it.each(broken)('names the table, data file and DV for %s', async (_, setup, over, why) => {
    const storage = new MemoryStorage('/t');
    await setup(storage);
    const err = await readDeletionVector(dv(over), ctx(storage)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeletionVectorError);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).toContain('part-0.parquet');
    expect((err as Error).message).toContain('/t');
    expect((err as Error).message).toContain('deletion_vector_d2c639aa');
  });
});

describe('toRuns', () => {
  it('merges consecutive rows into half-open runs', () => {
    expect(toRuns([0, 1, 2, 5, 7, 8])).toEqual([
      [0, 3],
      [5, 6],
      [7, 9],
    ]);
    expect(toRuns([])).toEqual([]);
  });
});

// Every DV descriptor in the reference logs (adds and removes) decodes, with the logged cardinality.
const DV_TABLES: [string, number][] = [
  ['dv-partitioned-with-checkpoint', 18],
  ['compacted-log-files-table', 19],
];
describe.skipIf(!fs.existsSync(TESTDATA))('deletion vectors of the reference tables', () => {
  it.each(DV_TABLES)('%s', async (name, count) => {
    const root = path.join(TESTDATA, name);
    const storage = new LocalStorage(root);
    const cache = new Map<string, Promise<Uint8Array>>();
    let seen = 0;
    for (const f of fs.readdirSync(path.join(root, '_delta_log')).filter((x) => /^\d{20}\.json$/.test(x))) {
      for (const line of fs
        .readFileSync(path.join(root, '_delta_log', f), 'utf8')
        .split('\n')
        .filter(Boolean)) {
        const action = JSON.parse(line) as {
          add?: { path: string; deletionVector?: DeletionVectorDescriptor };
          remove?: { path: string; deletionVector?: DeletionVectorDescriptor };
        };
        const fa = action.add ?? action.remove;
        if (!fa?.deletionVector) continue;
        const rows = await readDeletionVector(fa.deletionVector, { storage, dataFile: fa.path, cache });
        expect(rows.length, `${f} ${fa.path}`).toBe(fa.deletionVector.cardinality);
        seen++;
      }
    }
    expect(seen).toBe(count);
  });

  it('compacted-log-files-table v24 deletes rows 0-4 and 6 of its file', async () => {
    const root = path.join(TESTDATA, 'compacted-log-files-table');
    const line = fs
      .readFileSync(path.join(root, '_delta_log', '00000000000000000024.json'), 'utf8')
      .split('\n')
      .find((l) => l.includes('"add"') && l.includes('deletionVector'));
    const add = (
      JSON.parse(line ?? '{}') as { add: { path: string; deletionVector: DeletionVectorDescriptor } }
    ).add;
    const rows = await readDeletionVector(add.deletionVector, {
      storage: new LocalStorage(root),
      dataFile: add.path,
    });
    expect(Array.from(rows)).toEqual([0, 1, 2, 3, 4, 6]);
  });
});
