// One error hierarchy for the whole pipeline. Every error a user can cause is a
// PipelineError with a stable code and a message that names the thing and the
// fix; anything else is INTERNAL. toWire/fromWire carry them across workers,
// IPC and HTTP without losing the class.

import type { ErrorCode, SqlPosition, WireError } from '../shared/errors';

export class PipelineError extends Error {
  override readonly name: string = 'PipelineError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toWire(): WireError {
    const wire: WireError = { name: this.name, code: this.code, message: this.message };
    if (this.details !== undefined) wire.details = this.details;
    return wire;
  }
}

export class ConfigError extends PipelineError {
  override readonly name = 'ConfigError';
  constructor(message: string, details?: { file?: string; line?: number; [k: string]: unknown }) {
    super('CONFIG', message, details);
  }
}

export class NotALakeError extends PipelineError {
  override readonly name = 'NotALakeError';
  constructor(dir: string) {
    super(
      'NOT_A_LAKE',
      `${dir} is not a lake: it has no lakehouse.yml. Open the lake's root folder, or create one with \`lakehouse init ${dir} --sample\`.`,
      { dir },
    );
  }
}

export class NotFoundError extends PipelineError {
  override readonly name = 'NotFoundError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('NOT_FOUND', message, details);
  }
}

export class UsageError extends PipelineError {
  override readonly name = 'UsageError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('USAGE', message, details);
  }
}

/** DuckDB rejected a query; `position` points into the SQL the user wrote where DuckDB says. */
export class EngineError extends PipelineError {
  override readonly name = 'EngineError';
  constructor(
    code: Extract<ErrorCode, 'SQL' | 'SANDBOX' | 'CANCELLED' | 'TIMEOUT' | 'CRASHED' | 'INTERNAL' | 'IO'>,
    message: string,
    details?: { position?: SqlPosition; kind?: string; [k: string]: unknown },
  ) {
    super(code, message, details);
  }

  get position(): SqlPosition | undefined {
    const p = this.details?.['position'];
    return typeof p === 'object' && p !== null ? (p as SqlPosition) : undefined;
  }
}

export class CancelledError extends PipelineError {
  override readonly name = 'CancelledError';
  constructor(message = 'Cancelled.') {
    super('CANCELLED', message);
  }
}

/** Rebuilds the typed error on the receiving side of a boundary. */
export function fromWire(wire: WireError): PipelineError {
  switch (wire.code) {
    case 'CONFIG':
      return new ConfigError(wire.message, wire.details);
    case 'NOT_FOUND':
      return new NotFoundError(wire.message, wire.details);
    case 'USAGE':
      return new UsageError(wire.message, wire.details);
    case 'CANCELLED':
      return new CancelledError(wire.message);
    case 'SQL':
    case 'SANDBOX':
    case 'TIMEOUT':
    case 'CRASHED':
    case 'IO':
      return new EngineError(wire.code, wire.message, wire.details);
    default:
      return new PipelineError(wire.code, wire.message, wire.details);
  }
}

/** Any thrown value as wire data; unknown errors become INTERNAL with their message kept. */
export function toWire(err: unknown): WireError {
  if (err instanceof PipelineError) return err.toWire();
  const message = err instanceof Error ? err.message : String(err);
  return { name: 'InternalError', code: 'INTERNAL', message };
}

export function isCancelled(err: unknown): boolean {
  return err instanceof PipelineError && err.code === 'CANCELLED';
}

/** A concurrent writer won the commit race in a way this write cannot build on; running it again usually succeeds. */
export class CommitConflictError extends PipelineError {
  override readonly name = 'CommitConflictError';
  constructor(
    table: string,
    message: string,
    details?: { winning?: number; retryable?: boolean; [k: string]: unknown },
  ) {
    super('CONFLICT', message, { table, ...details });
  }
}

/** Models depend on each other in a loop, so no build order exists; `cycle` lists it, first name repeated last. */
export class DependencyCycleError extends PipelineError {
  override readonly name = 'DependencyCycleError';
  constructor(
    readonly cycle: readonly string[],
    message: string,
  ) {
    super('CONFIG', message, { cycle });
  }
}
