// Templating of models: what source/ref/var/start_ds/this/is_incremental render
// to, what parseModel records, and every template mistake as a ConfigError with
// the file and the 1-based line.
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/pipeline/errors';
import { parseModel, renderModel } from '../../src/pipeline/models';
import type { Model, RenderContext } from '../../src/pipeline/models';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
  }
  throw new Error('expected an error');
}

const ctx = (over: Partial<RenderContext> = {}): RenderContext => ({
  source: (n) => `"src_${n}"`,
  ref: (n) => `"tbl_${n}"`,
  this: '"me"',
  startDs: '2024-05-01',
  endDs: '2024-05-02',
  ...over,
});

const PARTITIONED = `{{ config(materialized='partitioned', partition_by='event_date', lookback_days=2) }}
select * from {{ source('activity') }} a
join {{ ref('dim_club') }} c using (club_id)
where event_date >= '{{ start_ds }}' and event_date < '{{ end_ds }}';`;

describe('parseModel', () => {
  it('records refs and sources with their lines', () => {
    const m = parseModel(PARTITIONED, 'stg');
    expect(m.refs).toEqual(['dim_club']);
    expect(m.sources).toEqual(['activity']);
    expect(m.dependencies).toEqual([
      { kind: 'ref', name: 'dim_club', line: 3 },
      { kind: 'source', name: 'activity', line: 2 },
    ]);
    expect(m.file).toBe('models/stg.sql');
  });

  it('records refs in both branches of is_incremental()', () => {
    const text =
      "{% if is_incremental() %}select * from {{ ref('a') }}{% else %}select * from {{ ref('b') }}{% endif %}";
    expect(parseModel(text, 'm').refs).toEqual(['a', 'b']);
  });

  it('refuses a file name that cannot be a model name', () => {
    expect(thrown(() => parseModel('select 1', 'my-model')).message).toMatch(
      /'my-model' cannot be a model name: rename the file/,
    );
  });

  it.each([
    [
      'select\n{{ foo(1) }}',
      2,
      /^models\/m\.sql:2: unknown function foo\(\): models can call config\(\), source\(\), ref\(\), var\(\)/,
    ],
    ['select\n\n{{ bar }}', 3, /^models\/m\.sql:3: \{\{ … \}\} outputs a name that is not defined/],
    [
      'select\n{% if x %}',
      2,
      /^models\/m\.sql:2: template syntax error: parseIf: expected elif, else, or endif, got end of file/,
    ],
    [
      "select\n{{ source('x' }}",
      2,
      /^models\/m\.sql:2: template syntax error: parseSignature: expected comma/,
    ],
    ['select {{ source(1) }}', 1, /source\(\) takes one quoted name, e.g. source\('activity'\)/],
    ["select {{ ref('a', 'b') }}", 1, /ref\(\) takes one quoted name/],
    [
      "select 1\n\n  , {{ var('country') }}",
      3,
      /^models\/m\.sql:3: var\('country'\) is not set: add it under vars: in lakehouse\.yml, or give a default/,
    ],
  ])('%j fails at line %i', (text, line, message) => {
    const err = thrown(() => parseModel(text, 'm'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(message);
    expect((err as ConfigError).details).toMatchObject({ file: 'models/m.sql', line });
  });
});

describe('renderModel', () => {
  const model: Model = parseModel(PARTITIONED, 'stg');

  it('renders the caller’s relations and the partition’s dates, without the trailing semicolon', () => {
    expect(renderModel(model, ctx())).toBe(`select * from "src_activity" a
join "tbl_dim_club" c using (club_id)
where event_date >= '2024-05-01' and event_date < '2024-05-02'`);
  });

  it('is deterministic', () => {
    expect(renderModel(model, ctx())).toBe(renderModel(model, ctx()));
  });

  it('renders this and is_incremental()', () => {
    const m = parseModel('select * from {{ this }}{% if is_incremental() %} where x{% endif %}', 'm');
    expect(renderModel(m, ctx({ startDs: null, endDs: null }))).toBe('select * from "me"');
    expect(renderModel(m, ctx({ startDs: null, endDs: null, isIncremental: true }))).toBe(
      'select * from "me" where x',
    );
  });

  it('reads vars from lakehouse.yml, run overrides, then the default', () => {
    const m = parseModel("select {{ var('a') }}, {{ var('b', 'x') }}, {{ var('c', default=3) }}", 'm', {
      vars: { a: 1 },
    });
    expect(renderModel(m, ctx({ startDs: null, endDs: null }))).toBe('select 1, x, 3');
    expect(renderModel(m, ctx({ startDs: null, endDs: null, vars: { a: 2, b: 'y' } }))).toBe(
      'select 2, y, 3',
    );
  });

  it('says start_ds is null for a table rendered without a range', () => {
    const m = parseModel("select '{{ start_ds }}'", 'm');
    const err = thrown(() => renderModel(m, ctx({ startDs: null, endDs: null })));
    expect(err.message).toMatch(
      /^models\/m\.sql:1: .*start_ds and end_ds are null for table and view models/,
    );
  });

  it('requires the partition’s range for a partitioned model, and a valid range', () => {
    expect(thrown(() => renderModel(model, ctx({ startDs: null, endDs: null })))).toBeInstanceOf(UsageError);
    expect(
      thrown(() => renderModel(model, ctx({ startDs: '2024-05-02', endDs: '2024-05-02' }))).message,
    ).toMatch(/is empty/);
    expect(thrown(() => renderModel(model, ctx({ startDs: '2024-5-1' }))).message).toMatch(
      /must be a date like/,
    );
  });

  it('refuses a ref that loading did not see', () => {
    const m = parseModel(
      "select 1 {% if start_ds == '2024-05-01' %}from {{ ref('late') }}{% endif %}",
      'm',
      {},
    );
    expect(m.refs).toEqual([]);
    const err = thrown(() => renderModel({ ...m, config: { ...m.config } }, ctx()));
    expect(err.message).toMatch(
      /^models\/m\.sql:1: ref\('late'\) is reached only in this run, not when the model was loaded/,
    );
  });

  it('refuses a model that renders to nothing', () => {
    const m = parseModel("{{ config(materialized='view') }}  ;", 'm');
    expect(thrown(() => renderModel(m, ctx({ startDs: null, endDs: null }))).message).toMatch(
      /renders to no SQL/,
    );
  });
});
