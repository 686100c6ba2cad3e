// The SQL of data tests. testSql returns the failures — no rows means the test
// passed — and countSql their number as one row with one BIGINT column
// `failures`. Relations are SQL text the caller provides (quoted names or
// views), inserted verbatim; columns and values are quoted through engine/sql.

import { quoteIdent, quoteLiteral } from '../engine/sql';
import type { AcceptedValue, ModelTest } from './model-tests';

export interface TestSqlContext {
  /** The relation of another model, for relationships tests (e.g. its current Delta table). */
  relationOf(model: string): string;
}

/**
 * The failing rows of `test` on `relation` (a model's staged output):
 * - not_null, accepted_values, relationships: every offending row, whole;
 * - unique, unique_combination: one row per duplicated key, with its count `n`;
 * - row_count: one row (`row_count`, `min`, `max`) when the count is out of bounds.
 * NULLs are not failures for unique, accepted_values and relationships (not_null covers them).
 */
export function testSql(test: ModelTest, relation: string, ctx?: TestSqlContext): string {
  switch (test.kind) {
    case 'not_null':
      return `SELECT * FROM ${relation} WHERE ${quoteIdent(test.column)} IS NULL`;
    case 'unique': {
      const col = quoteIdent(test.column);
      return `SELECT ${col}, count(*) AS n FROM ${relation} WHERE ${col} IS NOT NULL GROUP BY ${col} HAVING count(*) > 1`;
    }
    case 'unique_combination': {
      const cols = test.columns.map(quoteIdent).join(', ');
      // A key with a NULL part identifies nothing, as in SQL's own UNIQUE constraints.
      const present = test.columns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');
      return `SELECT ${cols}, count(*) AS n FROM ${relation} WHERE ${present} GROUP BY ${cols} HAVING count(*) > 1`;
    }
    case 'accepted_values': {
      const col = quoteIdent(test.column);
      return `SELECT * FROM ${relation} WHERE ${col} IS NOT NULL AND ${col} NOT IN (${test.values.map(literal).join(', ')})`;
    }
    case 'relationships': {
      if (!ctx) throw new Error(`${test.id}: a relationships test needs the relation of ${test.to}.`);
      const col = quoteIdent(test.column);
      return `SELECT * FROM ${relation} AS _child WHERE _child.${col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${ctx.relationOf(test.to)} AS _parent WHERE _parent.${quoteIdent(test.field)} = _child.${col})`;
    }
    case 'row_count': {
      const bounds = [
        ...(test.min !== null ? [`count(*) < ${test.min}`] : []),
        ...(test.max !== null ? [`count(*) > ${test.max}`] : []),
      ];
      return `SELECT count(*) AS row_count, ${test.min ?? 'NULL'}::BIGINT AS min, ${test.max ?? 'NULL'}::BIGINT AS max FROM ${relation} HAVING ${bounds.join(' OR ') || 'false'}`;
    }
  }
}

/** One row, one column: `failures` BIGINT, the number of rows testSql returns. */
export function countSql(test: ModelTest, relation: string, ctx?: TestSqlContext): string {
  return `SELECT count(*)::BIGINT AS failures FROM (${testSql(test, relation, ctx)}) AS _failures`;
}

export type TestOutcome = 'pass' | 'warn' | 'fail';

/** A test with failures fails the partition when its severity is error, and only warns otherwise. */
export function testOutcome(test: Pick<ModelTest, 'severity'>, failures: number): TestOutcome {
  if (failures === 0) return 'pass';
  return test.severity === 'warn' ? 'warn' : 'fail';
}

/** How a test reads in messages and the UI: not_null(event_id), relationships(club_id → dim_club.club_id). */
export function describeTest(test: ModelTest): string {
  switch (test.kind) {
    case 'not_null':
    case 'unique':
      return `${test.kind}(${test.column})`;
    case 'accepted_values':
      return `accepted_values(${test.column} in ${test.values.map(String).join(', ')})`;
    case 'relationships':
      return `relationships(${test.column} → ${test.to}.${test.field})`;
    case 'unique_combination':
      return `unique_combination(${test.columns.join(', ')})`;
    case 'row_count':
      return `row_count(${[test.min !== null ? `min ${test.min}` : '', test.max !== null ? `max ${test.max}` : ''].filter(Boolean).join(', ')})`;
  }
}

function literal(v: AcceptedValue): string {
  if (typeof v === 'string') return quoteLiteral(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}
