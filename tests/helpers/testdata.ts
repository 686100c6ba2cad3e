// Where the Delta reference tables are: ../shared/testdata/delta beside the
// checkout (CI lays shared/ there), or LAKEHOUSE_DELTA_TESTDATA. Suites that
// need them skip with a printed reason when the folder is absent.
import fs from 'node:fs';
import path from 'node:path';

export const DELTA_TESTDATA =
  process.env['LAKEHOUSE_DELTA_TESTDATA'] ?? path.resolve(__dirname, '../../../shared/testdata/delta');

export const hasDeltaTestdata = fs.existsSync(DELTA_TESTDATA);
