// JSON lines read with a declared schema: each field must have the JSON kind
// its type asks for (12.5 is no INTEGER, "42" no number, 1 no BOOLEAN), escapes
// are undone, a JSON null is absent, CRLF files read like LF files, blank lines
// are skipped but still counted in line numbers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings, rawParseSql } from '../../src/pipeline';
import type { SourceDef } from '../../src/pipeline/config/sources';

let dir: string;
let engine: EngineClient;

const source = {
  name: 'ev',
  format: 'jsonl',
  columns: [
    { name: 'id', type: 'VARCHAR', required: true },
    { name: 'n', type: 'INTEGER', required: false },
    { name: 'h', type: 'HUGEINT', required: false },
    { name: 'x', type: 'DOUBLE', required: false },
    { name: 'd', type: 'DECIMAL(10,2)', required: false },
    { name: 'b', type: 'BOOLEAN', required: false },
    { name: 'ts', type: 'TIMESTAMP', required: false },
    { name: 'j', type: 'JSON', required: false },
    { name: 'kind', type: 'VARCHAR', required: false, acceptedValues: ['a', 'b'] },
  ],
} as unknown as SourceDef;

const LF = [
  '{"id":"a1","n":1,"h":123,"x":1.5,"d":2.25,"b":true,"ts":"2024-05-01T10:00:00.123Z","j":{"k":[1, 2]},"kind":"a"}',
  '{"id":"a\\"2\\u00e9","n":12.5}',
  '{"id":"a3","n":"42"}',
  '{"id":"a4","x":"1.5"}',
  '{"id":"a5","b":1}',
  '{"id":"a6","kind":"c"}',
  '{"id":null}',
  '',
  '   ',
  '[1,2]',
  '  {"id":"a7","j":"text","d":3}',
  '{"id":"a8","n":1e3}',
  '{"id":"a9","n":-5,"h":123456789012345678901234567890,"x":-1e-3}',
  '{"id":"a10","n":99999999999}',
  '{"id":"a11","ts":"nope"}',
  '{"id":"a12" garbage',
  '{"id":{"o":1}}',
].join('\n');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-jsonl-'));
  fs.mkdirSync(path.join(dir, 'dt=2024-05-01'));
  fs.writeFileSync(path.join(dir, 'dt=2024-05-01', 'a.jsonl'), LF + '\n');
  fs.writeFileSync(
    path.join(dir, 'dt=2024-05-01', 'b.jsonl'),
    '{"id":"c1","n":7}\r\n{"id":"c2","n":"x"}\r\n\r\n',
  );
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('jsonl kinds', () => {
  it('types, reasons and line numbers', async () => {
    const files = ['a.jsonl', 'b.jsonl'].map((f) => path.join(dir, 'dt=2024-05-01', f));
    const { rows } = await engine.read(
      `SELECT regexp_extract(_file, '[^/]+$') AS f, _line::INTEGER, _arrival_date::VARCHAR, _reason, id, n, h::VARCHAR, x, d::VARCHAR, b, ts::VARCHAR, j::VARCHAR, kind
       FROM (${rawParseSql(source, files)}) ORDER BY f, _line`,
    );
    const ok = (line: number, values: unknown[]): unknown[] => [
      'a.jsonl',
      line,
      '2024-05-01',
      null,
      ...values,
    ];
    const bad = (f: string, line: number, reason: string, id: string | null = null): unknown[] => [
      f,
      line,
      '2024-05-01',
      reason,
      id,
      ...Array<null>(8).fill(null),
    ];
    expect(rows).toEqual([
      ok(1, ['a1', 1, '123', 1.5, '2.25', true, '2024-05-01 10:00:00.123', '{"k":[1,2]}', 'a']),
      bad('a.jsonl', 2, 'wrong type for n: expected INTEGER, got 12.5', 'a"2é'),
      bad('a.jsonl', 3, 'wrong type for n: expected INTEGER, got 42', 'a3'),
      bad('a.jsonl', 4, 'wrong type for x: expected DOUBLE, got 1.5', 'a4'),
      bad('a.jsonl', 5, 'wrong type for b: expected BOOLEAN, got 1', 'a5'),
      [...bad('a.jsonl', 6, 'unknown value for kind: c', 'a6').slice(0, 12), 'c'],
      bad('a.jsonl', 7, 'missing required field id'),
      bad('a.jsonl', 10, 'malformed JSON: [1,2]'),
      ok(11, ['a7', null, null, null, '3.00', null, null, 'text', null]),
      bad('a.jsonl', 12, 'wrong type for n: expected INTEGER, got 1000.0', 'a8'),
      ok(13, ['a9', -5, '123456789012345678901234567890', -0.001, null, null, null, null, null]),
      bad('a.jsonl', 14, 'wrong type for n: expected INTEGER, got 99999999999', 'a10'),
      bad('a.jsonl', 15, 'wrong type for ts: expected TIMESTAMP, got nope', 'a11'),
      bad('a.jsonl', 16, 'malformed JSON: {"id":"a12" garbage'),
      bad('a.jsonl', 17, 'wrong type for id: expected VARCHAR, got {"o":1}'),
      ['b.jsonl', 1, '2024-05-01', null, 'c1', 7, ...Array<null>(7).fill(null)],
      bad('b.jsonl', 2, 'wrong type for n: expected INTEGER, got x', 'c2'),
    ]);
  });
});
