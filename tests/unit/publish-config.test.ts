// Publish targets in lakehouse.yml: a valid block loads with its defaults, and
// each mistake is one error at file:line naming the key and the fix — above
// all, a password written into the project is refused.
import { describe, expect, it } from 'vitest';
import { projectSchema } from '../../src/pipeline/config/project';
import { parseYaml } from '../../src/pipeline/config/yaml-file';
import { CsvRowReader } from '../../src/pipeline/publish/csv';

const base = `name: demo
publish:
  warehouse:
    kind: sqlserver
    server: sql.example.test
    database: analytics
    user: publisher
    password_env: WAREHOUSE_PASSWORD
    tables:
      - table: marts.fct_daily_club_activity
        primary_key: [club_id, activity_date]
`;

describe('publish targets in lakehouse.yml', () => {
  it('loads a target with its defaults', () => {
    const p = parseYaml(base, projectSchema, 'lakehouse.yml');
    expect(p.publish?.['warehouse']).toMatchObject({
      kind: 'sqlserver',
      auth: 'sql',
      encrypt: true,
      trust_server_certificate: false,
      tables: [{ table: 'marts.fct_daily_club_activity', primary_key: ['club_id', 'activity_date'] }],
    });
  });

  const mistakes: [label: string, yaml: string, message: RegExp][] = [
    [
      'a password in the project',
      base.replace('    password_env: WAREHOUSE_PASSWORD\n', '    password: hunter2\n'),
      /^lakehouse\.yml:8: publish\.warehouse\.password: passwords never go in lakehouse\.yml: set password_env/,
    ],
    [
      'an unknown kind',
      base.replace('kind: sqlserver', 'kind: oracle'),
      /:4: publish\.warehouse\.kind: expected sqlserver or postgres/,
    ],
    [
      'sql auth without a user',
      base.replace('    user: publisher\n', ''),
      /publish\.warehouse\.user: auth sql needs a user/,
    ],
    [
      'ntlm without a domain',
      base.replace('kind: sqlserver', 'kind: sqlserver\n    auth: ntlm'),
      /publish\.warehouse\.domain: auth ntlm needs a domain/,
    ],
    [
      'a table without schema',
      base.replace('table: marts.fct_daily_club_activity', 'table: fct_daily_club_activity'),
      /:10: publish\.warehouse\.tables\.0\.table: expected schema\.name/,
    ],
    [
      'a misspelt key',
      base.replace('primary_key', 'primary_keys'),
      /Unrecognized key.*primary_keys|primary_keys/,
    ],
    [
      'postgres with ntlm',
      base.replace('kind: sqlserver', 'kind: postgres\n    auth: ntlm\n    domain: CORP'),
      /a postgres target supports auth sql only/,
    ],
  ];
  it.each(mistakes)('reports %s at its line', (_label, yaml, message) => {
    expect(() => parseYaml(yaml, projectSchema, 'lakehouse.yml')).toThrow(message);
  });
});

describe('the CSV reader', () => {
  const text = 'a,"b,c",,""\n"multi\nline","say ""hi""",3,\r\nlast,row,,x';
  const expected = [
    ['a', 'b,c', null, ''],
    ['multi\nline', 'say "hi"', '3', null],
    ['last', 'row', null, 'x'],
  ];
  it('reads quotes, newlines, NULL and empty strings', () => {
    const r = new CsvRowReader();
    r.push(text);
    r.end();
    expect(r.take()).toEqual(expected);
  });
  it('gives the same rows however the text is split into chunks', () => {
    for (let size = 1; size <= 7; size++) {
      const r = new CsvRowReader();
      for (let i = 0; i < text.length; i += size) r.push(text.slice(i, i + size));
      r.end();
      expect(r.take()).toEqual(expected);
    }
  });
});
