// Keeps the target table in step with the lake table before rows move: create
// it when missing (with the primary key), add lake columns it lacks, and refuse
// a column whose type differs — changing a served table's column type is a
// decision for its owner, not something a publish does on the side.

import { describeTarget, PublishError } from './errors';
import type { TargetLabel } from './errors';
import type { PublishAdapter, SpecColumn, TableSpec, TargetColumn } from './types';

export interface Drift {
  missing: SpecColumn[];
  changed: { column: SpecColumn; actual: TargetColumn }[];
}

/** Compares the spec with the target's columns (names case-insensitively, as both servers do by default here). */
export function drift(
  adapter: Pick<PublishAdapter, 'sql'>,
  spec: TableSpec,
  actual: readonly TargetColumn[],
): Drift {
  const byName = new Map(actual.map((c) => [c.name.toLowerCase(), c]));
  const missing: SpecColumn[] = [];
  const changed: Drift['changed'] = [];
  for (const c of spec.columns) {
    const a = byName.get(c.name.toLowerCase());
    if (!a) missing.push(c);
    else if (adapter.sql.canonicalType(a.type) !== adapter.sql.canonicalType(c.type.sql))
      changed.push({ column: c, actual: a });
  }
  return { missing, changed };
}

/**
 * Makes the target table ready; true when it was created or altered (then
 * every partition must be sent again, whatever the ledger says).
 */
export async function ensureTable(
  adapter: PublishAdapter,
  spec: TableSpec,
  target: TargetLabel,
): Promise<boolean> {
  const actual = await adapter.describeTable(spec.schema, spec.name);
  if (actual === null) {
    await adapter.createTable(spec);
    return true;
  }
  const d = drift(adapter, spec, actual);
  if (d.changed.length > 0) {
    const name = adapter.sql.qualified(spec);
    const list = d.changed
      .map(
        (x) =>
          `'${x.column.name}' is ${x.actual.type} there but ${x.column.type.sql} from the lake (${x.column.lakeType})`,
      )
      .join('; ');
    throw new PublishError(
      'schema',
      `The table ${name} on ${describeTarget(target)} does not match the lake: ${list}. Change the column on the server (ALTER TABLE ${name} ALTER COLUMN …), or drop the table so the next publish creates it.`,
      { target: target.target, table: name },
    );
  }
  if (d.missing.length > 0) {
    await adapter.addColumns(spec, d.missing);
    return true;
  }
  return false;
}
