// Progress for long CLI commands: a redrawn bar on a terminal, nothing but the
// final summary when output goes to a file or a scheduler's log.

import type { Io } from './command';

export interface ProgressReporter {
  update(done: number, total: number, label: string): void;
  done(): void;
}

export function progressReporter(io: Io, verb: string): ProgressReporter {
  if (!io.interactive) return { update: () => undefined, done: () => undefined };
  let drawn = false;
  let last = 0;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      io.err(`\r${verb} [${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} ${label}   `);
      drawn = true;
    },
    done() {
      if (drawn) io.err('\r\x1b[2K');
    },
  };
}
