// A streaming reader for the CSV the lake export writes (RFC 4180, no header):
// quoted fields may hold commas, quotes ("") and newlines; an empty unquoted
// field is NULL and `""` is the empty string. Rows come out in batches, so a
// partition is never held whole in memory whatever its size.

import type { Readable } from 'node:stream';

type Field = string | null;

export class CsvRowReader {
  private row: Field[] = [];
  private field = '';
  private quoted = false;
  private inQuotes = false;
  /** After a closing quote: the next character must end the field (or be a quote, i.e. an escaped one). */
  private afterQuote = false;
  private rows: Field[][] = [];

  /** Feeds text; complete rows are kept until `take()`. */
  push(text: string): void {
    let start = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.inQuotes) {
        if (c !== 34) continue;
        this.field += text.slice(start, i);
        this.inQuotes = false;
        this.afterQuote = true;
        start = i + 1;
        continue;
      }
      if (this.afterQuote) {
        this.afterQuote = false;
        if (c === 34) {
          // "" inside quotes: a literal quote, and the quoted part goes on.
          this.field += '"';
          this.inQuotes = true;
          start = i + 1;
          continue;
        }
      }
      if (c === 44) {
        this.field += text.slice(start, i);
        this.endField();
        start = i + 1;
      } else if (c === 10) {
        this.field += text.slice(start, i);
        this.endRow();
        start = i + 1;
      } else if (c === 13) {
        this.field += text.slice(start, i);
        start = i + 1;
      } else if (c === 34 && this.field === '' && start === i) {
        this.quoted = true;
        this.inQuotes = true;
        start = i + 1;
      }
    }
    this.field += text.slice(start);
  }

  /** Ends the input: a last row without a newline still counts. */
  end(): void {
    if (this.inQuotes) throw new Error('The CSV export ended inside a quoted field.');
    if (this.field !== '' || this.quoted || this.row.length > 0) this.endRow();
  }

  /** The complete rows so far. */
  take(): Field[][] {
    const out = this.rows;
    this.rows = [];
    return out;
  }

  get pending(): number {
    return this.rows.length;
  }

  private endField(): void {
    this.row.push(this.field === '' && !this.quoted ? null : this.field);
    this.field = '';
    this.quoted = false;
  }

  private endRow(): void {
    this.endField();
    this.rows.push(this.row);
    this.row = [];
  }
}

/** Rows of a CSV stream in batches of at most `size`; reading pauses while a batch is being used. */
export async function* csvBatches(stream: Readable, size: number): AsyncGenerator<Field[][]> {
  stream.setEncoding('utf8');
  const reader = new CsvRowReader();
  let batch: Field[][] = [];
  for await (const chunk of stream as AsyncIterable<string>) {
    reader.push(chunk);
    for (const row of reader.take()) {
      batch.push(row);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  }
  reader.end();
  batch.push(...reader.take());
  if (batch.length > 0) yield batch;
}
