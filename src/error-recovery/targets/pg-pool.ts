import type { DataSource } from 'typeorm';

/**
 * The part of a pg-pool `Pool` that pool sizing reads and writes. pg-pool copies its options in the
 * constructor and compares `this.options.max` on every `connect()` and queue pulse (`_isFull()` in
 * node_modules/pg-pool/index.js), so writing `options.max` takes effect for the next connection.
 */
export interface ResizablePool {
  readonly options: { max: number };
  /** Connections open (idle and checked out). */
  readonly totalCount: number;
  readonly idleCount: number;
  /** Callers queued for a connection. */
  readonly waitingCount: number;
}

const isResizable = (value: unknown): value is ResizablePool => {
  if (typeof value !== 'object' || value === null) return false;
  const pool = value as { options?: { max?: unknown }; totalCount?: unknown };
  return typeof pool.options?.max === 'number' && typeof pool.totalCount === 'number';
};

/** True when the DataSource runs on a driver given in its options that keeps no pg pool (PGlite). */
export function isEmbedded(dataSource: DataSource): boolean {
  const driver: unknown = (dataSource.options as { driver?: unknown }).driver;
  if (driver === undefined || driver === null) return false;
  // `driver: pg` (the real library passed by hand) still builds a real pool.
  return !isResizable((dataSource.driver as { master?: unknown } | undefined)?.master);
}

/**
 * The pg pool TypeORM's PostgresDriver keeps in `driver.master` (the primary; replicas' pools are
 * left alone), or why there is none to resize.
 */
export function resizablePool(dataSource: DataSource): { pool: ResizablePool } | { reason: string } {
  if (dataSource.options.type !== 'postgres') return { reason: `a ${dataSource.options.type} DataSource: only PostgreSQL pools are resized` };
  if (isEmbedded(dataSource)) return { reason: 'no resizable pool (embedded PGlite or another custom driver)' };
  if (!dataSource.isInitialized) return { reason: 'DataSource is not initialized' };
  const master: unknown = (dataSource.driver as { master?: unknown }).master;
  return isResizable(master) ? { pool: master } : { reason: 'no resizable pool (the driver keeps no pg Pool)' };
}
