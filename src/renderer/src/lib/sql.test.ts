// Statement splitting and identifier quoting, table-driven: the editor runs the statement under
// the cursor and maps DuckDB's error offsets back through these offsets.
import { describe, expect, it } from 'vitest';
import { qualified, quoteIdent, splitStatements, statementAt } from './sql';
import { toTsv } from './components/grid-format';

describe('splitStatements', () => {
  const cases: [string, string[]][] = [
    ['select 1', ['select 1']],
    ['select 1; select 2;', ['select 1', 'select 2']],
    ["select ';' as semi; select 2", ["select ';' as semi", 'select 2']],
    ['select "a;b" from t; select 2', ['select "a;b" from t', 'select 2']],
    ['select 1 -- a ; comment\n; select 2', ['select 1 -- a ; comment', 'select 2']],
    ['select /* ; */ 1;;\n\n', ['select /* ; */ 1']],
  ];
  it.each(cases)('%j', (sql, expected) => {
    const parts = splitStatements(sql);
    expect(parts.map((p) => p.text)).toEqual(expected);
    // Offsets point at the text in the script.
    for (const p of parts) expect(sql.slice(p.start, p.end)).toBe(p.text);
  });
});

describe('statementAt', () => {
  const script = 'select 1;\nselect club_id\nfrom t;\n';
  it('finds the statement under the cursor', () => {
    expect(statementAt(script, 3)?.text).toBe('select 1');
    expect(statementAt(script, script.indexOf('club_id'))?.text).toBe('select club_id\nfrom t');
  });
  it('takes the statement before the cursor when the cursor is past its semicolon', () => {
    expect(statementAt(script, script.length)?.text).toBe('select club_id\nfrom t');
    expect(statementAt(script, 9)?.text).toBe('select 1');
  });
});

describe('quoteIdent', () => {
  it.each([
    ['club_id', 'club_id'],
    ['Club', '"Club"'],
    ['order', '"order"'],
    ['has space', '"has space"'],
    ['a"b', '"a""b"'],
  ])('%s → %s', (name, quoted) => expect(quoteIdent(name)).toBe(quoted));
  it('qualifies schema and name', () => expect(qualified('marts', 'fct x')).toBe('marts."fct x"'));
});

describe('toTsv', () => {
  it('writes NULL as empty, nested values as JSON, and quotes tabs, newlines and quotes', () => {
    expect(
      toTsv([
        [1, 'a', null],
        ['x\ty', 'line\nbreak', { k: [1, 2] }],
        ['say "hi"', true, '9007199254740993'],
      ]),
    ).toBe('1\ta\t\n"x\ty"\t"line\nbreak"\t"{""k"":[1,2]}"\n"say ""hi"""\ttrue\t9007199254740993');
  });
});
