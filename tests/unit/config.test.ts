// lakehouse.yml and sources.yml: valid files load; every mistake is one
// ConfigError naming the file, the line and the key.
import { describe, expect, it } from 'vitest';
import { projectSchema } from '../../src/pipeline/config/project';
import { normalizeType, sourcesFileSchema, toSourceDefs } from '../../src/pipeline/config/sources';
import { parseYaml } from '../../src/pipeline/config/yaml-file';
import { ConfigError } from '../../src/pipeline/errors';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('lakehouse.yml', () => {
  it('loads with defaults', () => {
    const p = parseYaml('name: demo\nstart_date: 2024-05-01\n', projectSchema, 'lakehouse.yml');
    expect(p).toEqual({
      name: 'demo',
      version: 1,
      start_date: '2024-05-01',
      timezone: 'UTC',
      engine: {},
      vars: {},
    });
  });

  it.each([
    ['name: x\nengine:\n  threads: many\n', /^lakehouse\.yml:3: engine\.threads: .*expected number/, 3],
    [
      'name: x\nengine:\n  memory_limit: lots\n',
      /^lakehouse\.yml:3: engine\.memory_limit: engine\.memory_limit must look like/,
      3,
    ],
    ['name: x\nstart_date: May 1st\n', /^lakehouse\.yml:2: start_date: expected a date like 2024-05-01/, 2],
    ['name: x\nengnie: {}\n', /^lakehouse\.yml:1: \(top level\): Unrecognized key: "engnie"/, 1],
    ['engine: {}\n', /^lakehouse\.yml:1: name: /, 1],
    ['name: x\n  bad: indentation\n', /^lakehouse\.yml:1: not valid YAML — Nested mappings/, 1],
  ])('reports %j', (text, message, line) => {
    const err = configError(() => parseYaml(text, projectSchema, 'lakehouse.yml'));
    expect(err.message).toMatch(message);
    expect(err.details?.['line']).toBe(line);
    expect(err.code).toBe('CONFIG');
  });
});

describe('sources.yml', () => {
  const valid = `version: 1
sources:
  activity:
    format: jsonl
    lookback_days: 2
    columns:
      event_id: { type: varchar, required: true }
      amount: { type: 'decimal(18, 2)' }
      kind: { type: VARCHAR, accepted_values: [a, b] }
  clubs:
    format: csv
    path: raw/clubs_v2
    columns:
      club_id: { type: INTEGER, required: true }
`;

  it('loads sources with normalized types and defaults', () => {
    const defs = toSourceDefs(parseYaml(valid, sourcesFileSchema, 'sources.yml'));
    expect(defs).toEqual([
      {
        name: 'activity',
        format: 'jsonl',
        path: 'raw/activity',
        lookbackDays: 2,
        csv: { header: true, delimiter: ',' },
        columns: [
          { name: 'event_id', type: 'VARCHAR', required: true },
          { name: 'amount', type: 'DECIMAL(18,2)', required: false },
          { name: 'kind', type: 'VARCHAR', required: false, acceptedValues: ['a', 'b'] },
        ],
      },
      {
        name: 'clubs',
        format: 'csv',
        path: 'raw/clubs_v2',
        lookbackDays: 0,
        csv: { header: true, delimiter: ',' },
        columns: [{ name: 'club_id', type: 'INTEGER', required: true }],
      },
    ]);
  });

  it.each([
    [
      valid.replace('type: varchar', 'type: INTEGR'),
      /^sources\.yml:7: sources\.activity\.columns\.event_id\.type: unknown type 'INTEGR'/,
    ],
    [valid.replace('format: jsonl', 'format: xml'), /^sources\.yml:4: sources\.activity\.format: /],
    [
      valid.replace('lookback_days: 2', 'lookback_days: -1'),
      /^sources\.yml:5: sources\.activity\.lookback_days: /,
    ],
    [
      valid.replace('event_id:', 'event id:'),
      /^sources\.yml:7: sources\.activity\.columns\.event id: column names are letters, digits and _/,
    ],
  ])('reports a mistake with its line: %#', (text, message) => {
    expect(configError(() => parseYaml(text, sourcesFileSchema, 'sources.yml')).message).toMatch(message);
  });

  it.each([
    ['integer', 'INTEGER'],
    ['Timestamp With Time Zone', 'TIMESTAMPTZ'],
    ['DECIMAL(38,0)', 'DECIMAL(38,0)'],
    ['DECIMAL(39,2)', null],
    ['DECIMAL(5,6)', null],
    ['STRUCT(a INT)', null],
  ])('normalizeType(%j) = %j', (raw, expected) => expect(normalizeType(raw)).toBe(expected));
});
