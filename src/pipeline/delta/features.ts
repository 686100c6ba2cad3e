// Which tables this implementation may read and write. A reader feature we do
// not implement means rows could come back wrong, so such tables are refused
// with the feature's name; the same for writer features on writes.

import { PipelineError } from '../errors';
import type { Protocol } from './actions';

/** Reader features whose read-side semantics are implemented here. */
export const SUPPORTED_READER_FEATURES = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'v2Checkpoint',
  'vacuumProtocolCheck',
]);

/** Writer features our writer honours; a table with any other is not written to. */
export const SUPPORTED_WRITER_FEATURES = new Set([
  'appendOnly', // overwrite and partition replaces are refused on append-only tables
  'invariants', // tables whose columns declare one are refused (write-schema.ts)
  'timestampNtz',
  'changeDataFeed', // whole-file adds and removes need no change-data files
  'deletionVectors', // files are removed with their DV; none are written
  'domainMetadata',
  'vacuumProtocolCheck',
  'inCommitTimestamp',
]);

export class UnsupportedFeatureError extends PipelineError {
  override readonly name = 'UnsupportedFeatureError';
  constructor(message: string, feature: string) {
    super('USAGE', message, { feature });
  }
}

export function checkReadable(protocol: Protocol, table: string): void {
  if (protocol.minReaderVersion > 3) {
    throw new UnsupportedFeatureError(
      `${table} needs Delta reader version ${protocol.minReaderVersion}; this workbench reads up to version 3. Read it with a newer Delta engine or downgrade the table.`,
      `readerVersion${protocol.minReaderVersion}`,
    );
  }
  if (protocol.minReaderVersion === 3) {
    for (const f of protocol.readerFeatures ?? []) {
      if (!SUPPORTED_READER_FEATURES.has(f)) {
        throw new UnsupportedFeatureError(
          `${table} uses the Delta reader feature '${f}', which this workbench does not support yet, so it refuses to read the table rather than return wrong rows.`,
          f,
        );
      }
    }
  }
}

export function checkWritable(protocol: Protocol, table: string): void {
  if (protocol.minWriterVersion > 7) {
    throw new UnsupportedFeatureError(
      `${table} needs Delta writer version ${protocol.minWriterVersion}; this workbench writes up to version 7.`,
      `writerVersion${protocol.minWriterVersion}`,
    );
  }
  if (protocol.minWriterVersion === 7) {
    for (const f of protocol.writerFeatures ?? []) {
      if (!SUPPORTED_WRITER_FEATURES.has(f)) {
        throw new UnsupportedFeatureError(
          `${table} uses the Delta writer feature '${f}', which this workbench cannot maintain; it will not write to the table. Write it with Spark or delta-rs.`,
          f,
        );
      }
    }
  } else if (protocol.minWriterVersion >= 3) {
    // Writer versions 3–6 imply CHECK constraints, generated columns, CDF, column mapping, identity columns.
    throw new UnsupportedFeatureError(
      `${table} needs Delta writer version ${protocol.minWriterVersion} (constraints, generated or identity columns, change data feed or column mapping), which this workbench cannot maintain; it will not write to the table.`,
      `writerVersion${protocol.minWriterVersion}`,
    );
  }
}
