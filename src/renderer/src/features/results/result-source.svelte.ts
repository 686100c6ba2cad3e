// One kept query result as the grid sees it: rows fetched page by page from the
// service (query.fetch) into an LRU page cache, only for the rows on screen, with
// a few requests in flight at most. The result itself stays in the engine; a
// 10-million-row result costs the renderer a few hundred rows of memory.

import type { CellValue, ColumnInfo, QueryResult } from '../../../../shared/query';
import { api, errorMessage } from '../../lib/api';

export const PAGE_SIZE = 500;
const MAX_PAGES = 400;
const MAX_IN_FLIGHT = 3;
const COPY_CHUNK = 5000;

export class ResultSource {
  resultId = $state('');
  columns = $state<ColumnInfo[]>([]);
  totalRows = $state(0);
  elapsedMs = $state(0);
  statements = $state(0);
  /** Bumped when pages arrive; the grid re-reads visible rows. */
  version = $state(0);
  sort = $state<{ column: string; direction: 'asc' | 'desc' } | null>(null);
  sorting = $state(false);
  error = $state<string | null>(null);

  // Not reactive on purpose: `version` tells the grid when to re-read, once per page.
  /* eslint-disable svelte/prefer-svelte-reactivity */
  private pages = new Map<number, CellValue[][]>();
  private inFlight = new Set<number>();
  /* eslint-enable svelte/prefer-svelte-reactivity */
  private wanted = { first: 0, last: 0 };
  private generation = 0;
  private released = false;

  constructor(result: QueryResult) {
    this.adopt(result);
  }

  private adopt(result: QueryResult): void {
    this.generation += 1;
    this.resultId = result.resultId;
    this.columns = result.columns;
    this.totalRows = result.totalRows;
    this.elapsedMs = result.elapsedMs;
    this.statements = result.statements;
    this.pages.clear();
    this.inFlight.clear();
    // The first page comes with the result when it was asked with our page size.
    const first = Math.min(PAGE_SIZE, result.totalRows);
    if (result.offset === 0 && result.rows.length === first) this.pages.set(0, result.rows);
    this.version += 1;
  }

  rowAt = (index: number): CellValue[] | undefined => {
    const page = Math.floor(index / PAGE_SIZE);
    const rows = this.pages.get(page);
    if (rows === undefined) return undefined;
    // Touch for LRU: Map keeps insertion order, the oldest entry is evicted first.
    this.pages.delete(page);
    this.pages.set(page, rows);
    return rows[index - page * PAGE_SIZE];
  };

  /** The visible range moved: fetch its pages (and the next one) if missing. */
  want = (start: number, end: number): void => {
    this.wanted = {
      first: Math.floor(start / PAGE_SIZE),
      last: Math.floor(Math.max(start, end - 1) / PAGE_SIZE),
    };
    this.pump();
  };

  private pump(): void {
    if (this.released) return;
    const { first, last } = this.wanted;
    const maxPage = Math.max(0, Math.ceil(this.totalRows / PAGE_SIZE) - 1);
    for (let p = first; p <= Math.min(last + 1, maxPage); p++) {
      if (this.inFlight.size >= MAX_IN_FLIGHT) return;
      if (this.pages.has(p) || this.inFlight.has(p)) continue;
      void this.load(p);
    }
  }

  private async load(page: number): Promise<void> {
    const gen = this.generation;
    this.inFlight.add(page);
    try {
      const res = await api.call('query.fetch', {
        resultId: this.resultId,
        offset: page * PAGE_SIZE,
        limit: PAGE_SIZE,
      });
      if (gen !== this.generation) return;
      this.pages.set(page, res.rows);
      while (this.pages.size > MAX_PAGES) {
        const oldest = this.pages.keys().next();
        if (oldest.done === true) break;
        this.pages.delete(oldest.value);
      }
      this.version += 1;
    } catch (e) {
      if (gen === this.generation) this.error = errorMessage(e);
    } finally {
      if (gen === this.generation) {
        this.inFlight.delete(page);
        this.pump();
      }
    }
  }

  /** Rows [start, end) straight from the service, for copying a large selection. */
  fetchRows = async (start: number, end: number): Promise<CellValue[][]> => {
    const out: CellValue[][] = [];
    for (let offset = start; offset < end; offset += COPY_CHUNK) {
      const res = await api.call('query.fetch', {
        resultId: this.resultId,
        offset,
        limit: Math.min(COPY_CHUNK, end - offset),
      });
      out.push(...res.rows);
    }
    return out;
  };

  /** Sorts by `column`: ascending first, descending on the second click. */
  async toggleSort(column: string): Promise<void> {
    const direction = this.sort?.column === column && this.sort.direction === 'asc' ? 'desc' : 'asc';
    this.sorting = true;
    try {
      const res = await api.call('query.sort', {
        resultId: this.resultId,
        column,
        direction,
        pageSize: PAGE_SIZE,
      });
      const elapsed = this.elapsedMs;
      const previous = this.resultId;
      this.adopt(res);
      // A sort may keep its rows under a new id: the unsorted result is no longer needed.
      if (res.resultId !== previous) {
        void api.call('query.release', { resultId: previous }).catch(() => undefined);
      }
      this.elapsedMs = elapsed;
      this.sort = { column, direction };
      this.error = null;
      this.pump();
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.sorting = false;
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.generation += 1;
    void api.call('query.release', { resultId: this.resultId }).catch(() => undefined);
  }
}
