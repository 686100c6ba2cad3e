// The project's DAG: a stable build order, lineage helpers, and the messages for
// cycles, unknown refs and sources, and yml entries that name no model.
import { describe, expect, it } from 'vitest';
import { ConfigError, DependencyCycleError, NotFoundError } from '../../src/pipeline/errors';
import { buildProject, downstreamOf, getModel, readersOf, upstreamOf } from '../../src/pipeline/models';
import type { Project, ProjectFile } from '../../src/pipeline/models';

const sql = (name: string, text: string): ProjectFile => ({ file: `models/${name}.sql`, text });
const yml = (name: string, text: string): ProjectFile => ({ file: `models/${name}.yml`, text });

function project(sqlFiles: ProjectFile[], ymlFiles: ProjectFile[] = []): Project {
  return buildProject({ sqlFiles, ymlFiles, vars: {}, sourceNames: ['activity', 'clubs'] });
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
  }
  throw new Error('expected an error');
}

const SAMPLE = [
  sql('fct', "select * from {{ ref('stg') }} join {{ ref('dim') }} using (club_id)"),
  sql('stg', "select * from {{ source('activity') }}"),
  sql('dim', "select * from {{ source('clubs') }}"),
  sql('report', "select * from {{ ref('fct') }}"),
  sql('alone', 'select 1'),
];

describe('build order', () => {
  it('puts every model after what it reads, ties broken by name', () => {
    const p = project(SAMPLE);
    expect(p.dag.order).toEqual(['alone', 'dim', 'stg', 'fct', 'report']);
    expect(p.models.map((m) => m.name)).toEqual(p.dag.order);
    expect(p.dag.parents['fct']).toEqual(['dim', 'stg']);
    expect(p.dag.children['stg']).toEqual(['fct']);
    expect(p.dag.readers).toEqual({ activity: ['stg'], clubs: ['dim'] });
  });

  it('lists source and model nodes and their edges', () => {
    const p = project(SAMPLE);
    expect(p.dag.nodes.slice(0, 2)).toEqual([
      { id: 'source:activity', kind: 'source', name: 'activity' },
      { id: 'source:clubs', kind: 'source', name: 'clubs' },
    ]);
    expect(p.dag.edges).toContainEqual({ from: 'source:activity', to: 'model:stg', kind: 'source' });
    expect(p.dag.edges).toContainEqual({ from: 'model:stg', to: 'model:fct', kind: 'ref' });
  });

  it('builds the model a relationships test reads first, without making it lineage', () => {
    const p = project(
      [sql('a', "select * from {{ source('activity') }}"), sql('b', "select * from {{ source('clubs') }}")],
      [
        yml(
          'a',
          'models:\n  a:\n    columns:\n      x:\n        tests:\n          - relationships: { to: b, field: y }\n',
        ),
      ],
    );
    expect(p.dag.order).toEqual(['b', 'a']);
    expect(p.dag.testParents['a']).toEqual(['b']);
    expect(p.dag.edges).toContainEqual({ from: 'model:b', to: 'model:a', kind: 'test' });
    expect(downstreamOf(p.dag, ['b'])).toEqual([]);
  });
});

describe('lineage', () => {
  const p = project(SAMPLE);
  it.each([
    [['stg'], false, ['fct', 'report']],
    [['stg'], true, ['stg', 'fct', 'report']],
    [['dim', 'stg'], false, ['fct', 'report']],
    [['report'], false, []],
  ])('downstreamOf(%j, includeSelf %s) = %j', (names, includeSelf, expected) => {
    expect(downstreamOf(p.dag, names, { includeSelf })).toEqual(expected);
  });

  it('upstreamOf follows refs back, in build order', () => {
    expect(upstreamOf(p.dag, ['report'])).toEqual(['dim', 'stg', 'fct']);
    expect(upstreamOf(p.dag, ['fct'], { includeSelf: true })).toEqual(['dim', 'stg', 'fct']);
  });

  it('readersOf names the models reading a source', () => {
    expect(readersOf(p.dag, 'activity')).toEqual(['stg']);
    expect(readersOf(p.dag, 'nope')).toEqual([]);
  });

  it('unknown names are NotFoundErrors with a suggestion', () => {
    expect(thrown(() => downstreamOf(p.dag, ['stgg']))).toBeInstanceOf(NotFoundError);
    expect(thrown(() => getModel(p, 'fctt')).message).toMatch(/No model named 'fctt'.*Did you mean 'fct'\?/);
    expect(getModel(p, 'fct').name).toBe('fct');
  });
});

describe('mistakes', () => {
  it('a cycle names its models and the ref calls that close it', () => {
    const err = thrown(() =>
      project([
        sql('a', "select * from {{ ref('b') }}"),
        sql('b', "select 1\nfrom {{ ref('c') }}"),
        sql('c', "select * from {{ ref('a') }}"),
        sql('d', "select * from {{ ref('a') }}"),
      ]),
    );
    expect(err).toBeInstanceOf(DependencyCycleError);
    expect(err.message).toMatch(
      /cycle: a → b → c → a \(models\/a\.sql:1 ref\('b'\); models\/b\.sql:2 ref\('c'\); models\/c\.sql:1 ref\('a'\)\)/,
    );
    expect((err as DependencyCycleError).cycle).toEqual(['a', 'b', 'c', 'a']);
    expect((err as DependencyCycleError).code).toBe('CONFIG');
  });

  it('a model reading itself is told to use this', () => {
    const err = thrown(() => project([sql('a', "select * from {{ ref('a') }}")]));
    expect(err.message).toMatch(/cycle: a → a .*use \{\{ this \}\} instead of ref\(\)/);
  });

  it.each([
    [
      "select *\nfrom {{ ref('stg_activty') }}",
      /^models\/m\.sql:2: m calls ref\('stg_activty'\), which names no model .*Did you mean 'stg_activity'\?/,
    ],
    [
      "select * from {{ source('activiti') }}",
      /^models\/m\.sql:1: m calls source\('activiti'\), which names no source in sources\.yml\. Did you mean 'activity'\?/,
    ],
    ["select * from {{ source('payments') }}", /names no source in sources\.yml\. Known: activity, clubs\./],
  ])('%j', (text, message) => {
    const err = thrown(() => project([sql('stg_activity', 'select 1'), sql('m', text)]));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(message);
  });

  it('a yml entry for no model names its line and the closest model', () => {
    const err = thrown(() =>
      project([sql('stg', 'select 1')], [yml('docs', 'version: 1\nmodels:\n  stgg:\n    description: x\n')]),
    );
    expect(err.message).toBe(
      "models/docs.yml:3: models.stgg: there is no model 'stgg' (no models/stgg.sql). Did you mean 'stg'?",
    );
  });

  it('a model described twice names both places', () => {
    const err = thrown(() =>
      project(
        [sql('stg', 'select 1')],
        [yml('a', 'models:\n  stg: {}\n'), yml('b', '\nmodels:\n  stg: {}\n')],
      ),
    );
    expect(err.message).toBe(
      'models/b.yml:3: models.stg is already described in models/a.yml:2: keep one entry per model.',
    );
  });

  it('a relationships test to no model names the line of the test', () => {
    const text =
      'models:\n  stg:\n    columns:\n      club_id:\n        tests:\n          - not_null\n          - relationships: { to: dim_clubs, field: club_id }\n';
    const err = thrown(() =>
      project([sql('stg', 'select 1'), sql('dim_club', 'select 1')], [yml('stg', text)]),
    );
    expect(err.message).toBe(
      "models/stg.yml:7: models.stg.columns.club_id: relationships to 'dim_clubs': there is no such model. Did you mean 'dim_club'?",
    );
  });
});

describe('docs', () => {
  it('attach to their model; the yml description wins over config()', () => {
    const p = project(
      [
        sql('stg', "{{ config(description='from config') }}select 1"),
        sql('dim', "{{ config(description='only config') }}select 1"),
      ],
      [
        yml(
          'stg',
          'models:\n  stg:\n    description: from yml\n    columns:\n      a: { description: the a }\n      b:\n',
        ),
      ],
    );
    const stg = getModel(p, 'stg');
    expect(stg.description).toBe('from yml');
    expect(stg.columns).toEqual([
      { name: 'a', description: 'the a' },
      { name: 'b', description: null },
    ]);
    expect(stg.docsFile).toBe('models/stg.yml');
    expect(getModel(p, 'dim').description).toBe('only config');
  });
});
