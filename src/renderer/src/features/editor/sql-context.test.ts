// What completion reads from the text: the qualifier before the cursor and the tables (and their
// aliases) a statement reads.
import { describe, expect, it } from 'vitest';
import { findTable, qualifierBefore, tablesInStatement } from './sql-context';
import type { Table } from './sql-context';

const tables: Table[] = [
  { schema: 'core', name: 'dim_club', columns: [{ name: 'club_id', type: 'INTEGER' }] },
  { schema: 'marts', name: 'fct_daily_club_activity', columns: [{ name: 'logins', type: 'BIGINT' }] },
  { schema: 'raw', name: 'Odd Name', columns: [] },
];

describe('qualifierBefore', () => {
  it.each([
    ['select * from core.', 'core'],
    ['select f.log', 'f'],
    ['select core.dim_club.', 'core.dim_club'],
    ['select "Odd Name".x', '"Odd Name"'],
    ['select log', null],
    ['select 1.5', null],
  ])('%j → %j', (line, expected) => expect(qualifierBefore(line)).toBe(expected));
});

describe('tablesInStatement', () => {
  it('maps names and aliases to tables', () => {
    const sql =
      'select f.logins from marts.fct_daily_club_activity as f join core.dim_club c on c.club_id = f.club_id where 1';
    const found = tablesInStatement(sql, tables);
    expect(found.get('f')?.name).toBe('fct_daily_club_activity');
    expect(found.get('c')?.name).toBe('dim_club');
    expect(found.get('dim_club')?.schema).toBe('core');
    expect(found.has('on')).toBe(false);
  });
  it('ignores keywords after a table and unknown tables', () => {
    const found = tablesInStatement('select * from dim_club where x = 1 union select * from nowhere', tables);
    expect([...found.keys()]).toEqual(['dim_club']);
  });
  it('finds quoted names', () => {
    expect(findTable(tables, 'raw."Odd Name"')?.name).toBe('Odd Name');
  });
});
