// Data tests declared in models/*.yml: every kind in its short and long form,
// severity defaults, stable ids and lines, and each mistake as a ConfigError
// with file:line.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/pipeline/errors';
import { parseModelsYml } from '../../src/pipeline/models';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const FULL = `version: 1
models:
  stg_activity:
    description: Events.
    columns:
      event_id: { description: The id., tests: [not_null, unique] }
      event_type:
        tests:
          - accepted_values: { values: [login, search] }
      club_id:
        tests:
          - relationships: { to: dim_club, field: club_id, severity: warn }
          - not_null: { severity: warn }
      amount:
    tests:
      - row_count: { min: 1 }
      - row_count: { max: 10, severity: warn }
      - unique_combination: { columns: [club_id, event_type] }
`;

describe('parseModelsYml', () => {
  it('reads every kind, with severity, ids and lines', () => {
    const [docs] = parseModelsYml(FULL, 'models/stg.yml');
    expect(docs?.model).toBe('stg_activity');
    expect(docs?.line).toBe(3);
    expect(docs?.description).toBe('Events.');
    expect(docs?.columns.map((c) => c.name)).toEqual(['event_id', 'event_type', 'club_id', 'amount']);
    const at = { model: 'stg_activity', file: 'models/stg.yml' };
    expect(docs?.tests).toEqual([
      {
        ...at,
        id: 'stg_activity.event_id.not_null',
        kind: 'not_null',
        column: 'event_id',
        severity: 'error',
        line: 6,
      },
      {
        ...at,
        id: 'stg_activity.event_id.unique',
        kind: 'unique',
        column: 'event_id',
        severity: 'error',
        line: 6,
      },
      {
        ...at,
        id: 'stg_activity.event_type.accepted_values',
        kind: 'accepted_values',
        column: 'event_type',
        values: ['login', 'search'],
        severity: 'error',
        line: 9,
      },
      {
        ...at,
        id: 'stg_activity.club_id.relationships.dim_club',
        kind: 'relationships',
        column: 'club_id',
        to: 'dim_club',
        field: 'club_id',
        severity: 'warn',
        line: 12,
      },
      {
        ...at,
        id: 'stg_activity.club_id.not_null',
        kind: 'not_null',
        column: 'club_id',
        severity: 'warn',
        line: 13,
      },
      {
        ...at,
        id: 'stg_activity.row_count',
        kind: 'row_count',
        min: 1,
        max: null,
        severity: 'error',
        line: 16,
      },
      {
        ...at,
        id: 'stg_activity.row_count#2',
        kind: 'row_count',
        min: null,
        max: 10,
        severity: 'warn',
        line: 17,
      },
      {
        ...at,
        id: 'stg_activity.unique_combination.club_id.event_type',
        kind: 'unique_combination',
        columns: ['club_id', 'event_type'],
        severity: 'error',
        line: 18,
      },
    ]);
  });

  it('accepts an empty file and an empty model entry', () => {
    expect(parseModelsYml('', 'models/x.yml')).toEqual([]);
    expect(parseModelsYml('models:\n  a:\n', 'models/x.yml')).toEqual([
      { model: 'a', file: 'models/x.yml', line: 2, description: null, columns: [], tests: [] },
    ]);
  });

  const col = (tests: string): string => `models:\n  m:\n    columns:\n      c:\n        tests:\n${tests}`;
  it.each([
    [col('          - not_nul\n'), 6, /unknown test 'not_nul': did you mean not_null\?/],
    [
      col('          - row_count: { min: 1 }\n'),
      6,
      /unknown test 'row_count': column tests are not_null, unique, accepted_values, relationships/,
    ],
    [
      'models:\n  m:\n    tests:\n      - unique\n',
      4,
      /unknown test 'unique': model tests are row_count, unique_combination/,
    ],
    [col('          - accepted_values\n'), 6, /accepted_values/],
    [col('          - accepted_values: { values: [] }\n'), 6, /list at least one value/],
    [col('          - relationships: { to: dim }\n'), 6, /relationships\.field/],
    [col('          - not_null: { severity: fatal }\n'), 6, /severity is 'error' or 'warn'/],
    [col('          - { not_null: {}, unique: {} }\n'), 6, /expected a test like not_null/],
    ['models:\n  m:\n    tests:\n      - row_count: {}\n', 4, /give min, max or both/],
    ['models:\n  m:\n    tests:\n      - row_count: { min: 5, max: 2 }\n', 4, /min must not exceed max/],
    ['models:\n  m:\n    colums: {}\n', 3, /Unrecognized key: "colums"/],
  ])('refuses %j at line %i', (text, line, message) => {
    const err = configError(() => parseModelsYml(text, 'models/m.yml'));
    expect(err.message).toMatch(new RegExp(`^models/m\\.yml:${line}: `));
    expect(err.message).toMatch(message);
    expect(err.details?.['line']).toBe(line);
  });
});
