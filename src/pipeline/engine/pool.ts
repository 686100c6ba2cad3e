// A fixed set of DuckDB connections, configured once before the sandbox locks
// the configuration, lent to one request at a time. Waiters are served in
// arrival order, so a burst of queries queues rather than fails.

import type { DuckDBConnection } from '@duckdb/node-api';

export class ConnectionPool {
  private readonly free: DuckDBConnection[];
  private readonly waiters: ((conn: DuckDBConnection) => void)[] = [];

  constructor(private readonly all: readonly DuckDBConnection[]) {
    this.free = [...all];
  }

  get size(): number {
    return this.all.length;
  }

  acquire(): Promise<DuckDBConnection> {
    const conn = this.free.pop();
    if (conn) return Promise.resolve(conn);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(conn: DuckDBConnection): void {
    const next = this.waiters.shift();
    if (next) next(conn);
    else this.free.push(conn);
  }

  async use<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    try {
      return await fn(conn);
    } finally {
      this.release(conn);
    }
  }

  closeAll(): void {
    for (const conn of this.all) conn.closeSync();
  }
}
