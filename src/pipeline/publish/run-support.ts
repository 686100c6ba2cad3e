// Small pieces of a publish run: the one cancellation error, a cancellable sleep
// for the retry backoff, and a RowSource wrapper that reports (and can slow down) each chunk of CSV bytes,
// which tests use to act in the middle of a partition's load.

import { pipeline, Transform } from 'node:stream';
import { CancelledError } from '../errors';
import type { RowSource } from './types';

/** The error every cancelled step of a publish ends with. */
export const publishCancelled = (): CancelledError => new CancelledError('The publish was cancelled.');

/** Throws publishCancelled() when `signal` has fired: checked between steps that cannot be interrupted. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw publishCancelled();
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(publishCancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(publishCancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The same rows, with a callback after each CSV chunk (awaited: it can slow the load down). */
export function watchChunks(source: RowSource, onChunk: (bytes: number) => void | Promise<void>): RowSource {
  return {
    rows: source.rows,
    batches: (size) => source.batches(size),
    csv: () => {
      let bytes = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          Promise.resolve(onChunk(bytes)).then(
            () => done(null, chunk),
            (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
          );
        },
      });
      // pipeline() carries a read error of the file into the tap, so the load fails instead of hanging.
      return pipeline(source.csv(), tap, () => undefined);
    },
  };
}
