// config() of a model: defaults, every key validated, and each mistake a
// ConfigError naming models/<file>.sql, the line of the key and the fix.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/pipeline/errors';
import { arrivalWindow, parseModel, validateConfig } from '../../src/pipeline/models';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config()', () => {
  it('defaults to a table in the core layer', () => {
    expect(parseModel('select 1', 'm').config).toEqual({
      materialized: 'table',
      partitionBy: null,
      layer: 'core',
      lookbackDays: 0,
      uniqueKey: [],
      description: null,
      tags: [],
    });
  });

  it('reads every key, and renders to nothing', () => {
    const text = `{{ config(materialized='partitioned', partition_by='event_date', layer='staging', lookback_days=2,
  unique_key=['a', 'b'], description='Events.', tags='daily') }}
select 1`;
    const m = parseModel(text, 'stg');
    expect(m.config).toEqual({
      materialized: 'partitioned',
      partitionBy: 'event_date',
      layer: 'staging',
      lookbackDays: 2,
      uniqueKey: ['a', 'b'],
      description: 'Events.',
      tags: ['daily'],
    });
    expect(m.description).toBe('Events.');
  });

  it('may compute a value from a {% set %} variable', () => {
    const text =
      "{% set window = 3 %}{{ config(materialized='partitioned', partition_by='d', lookback_days=window + 2) }}select 1";
    expect(parseModel(text, 'm').config.lookbackDays).toBe(5);
  });

  it.each([
    [
      "{{ config(materialized='incremental') }}",
      1,
      /^models\/m\.sql:1: config\(materialized=…\): use 'partitioned', 'table' or 'view'/,
    ],
    ["{{ config(materialised='table') }}", 1, /unknown key 'materialised': did you mean materialized\?/],
    [
      "{{ config(colour='red') }}",
      1,
      /unknown key 'colour': config\(\) takes materialized, partition_by, layer/,
    ],
    [
      "{{ config(materialized='partitioned') }}",
      1,
      /a partitioned model needs partition_by='<its DATE column>'/,
    ],
    [
      "{{ config(partition_by='d') }}",
      1,
      /config\(partition_by=…\): partition_by applies to partitioned models only: remove it or set materialized='partitioned'/,
    ],
    [
      '{{ config(lookback_days=2) }}',
      1,
      /config\(lookback_days=…\): lookback_days applies to partitioned models only/,
    ],
    [
      "select 1\n{{ config(\n  materialized='partitioned',\n  partition_by='d',\n  lookback_days=-1) }}",
      5,
      /^models\/m\.sql:5: config\(lookback_days=…\): lookback_days cannot be negative/,
    ],
    [
      "{{ config(materialized='partitioned', partition_by='d', lookback_days=1.5) }}",
      1,
      /expected a whole number of days/,
    ],
    [
      "{{ config(materialized='partitioned', partition_by='d', lookback_days='2') }}",
      1,
      /expected a whole number of days/,
    ],
    ["{{ config(layer='Core Tables') }}", 1, /config\(layer=…\): the layer is a lower-case folder name/],
    [
      "{{ config(partition_by='event date', materialized='partitioned') }}",
      1,
      /the partition column is letters, digits and _/,
    ],
    ['{{ config(unique_key=3) }}', 1, /expected a column as a name or a list of names/],
    ["{{ config('table') }}", 1, /config\(\) takes keyword arguments only/],
    ["{{ config(materialized='table') }}\n{{ config(layer='x') }}", 2, /config\(\) is called twice/],
  ])('refuses %j at line %i', (text, line, message) => {
    const err = configError(() => parseModel(text, 'm'));
    expect(err.message).toMatch(message);
    expect(err.details).toMatchObject({ file: 'models/m.sql', line });
    expect(err.code).toBe('CONFIG');
  });

  it('validateConfig returns the problem with its key', () => {
    expect(validateConfig({ lookback_days: -1 })).toEqual({
      ok: false,
      problem: { key: 'lookback_days', message: 'lookback_days cannot be negative' },
    });
  });
});

describe('arrivalWindow', () => {
  it.each([
    [0, '2024-05-01', '2024-05-02', { from: '2024-05-01', to: '2024-05-01' }],
    [2, '2024-05-01', '2024-05-02', { from: '2024-05-01', to: '2024-05-03' }],
    [2, '2024-02-28', '2024-03-02', { from: '2024-02-28', to: '2024-03-03' }],
  ])('lookback %i over [%s, %s) reads arrivals %j', (lookbackDays, startDs, endDs, window) => {
    expect(arrivalWindow({ lookbackDays }, { startDs, endDs })).toEqual(window);
  });
});
