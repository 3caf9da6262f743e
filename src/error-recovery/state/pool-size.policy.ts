/** What pool_increase decides for one pool. */
export type PoolGrowthDecision = { grow: true; to: number } | { grow: false; reason: string };

/**
 * New size = ceil(current × incrementPercent / 100), capped at `ceiling`. No growth (with the
 * reason) when the pool is already at or above the ceiling or the percentage would not grow it.
 */
export function decidePoolGrowth(current: number, incrementPercent: number, ceiling: number): PoolGrowthDecision {
  if (!Number.isFinite(incrementPercent) || incrementPercent <= 100) {
    return { grow: false, reason: `incrementPercent ${incrementPercent} does not grow the pool (it must be above 100)` };
  }
  if (!Number.isFinite(ceiling) || ceiling < 1) return { grow: false, reason: `ceiling ${ceiling} is not a pool size` };
  if (current >= ceiling) return { grow: false, reason: `pool max ${current} already at the ceiling ${ceiling}` };
  return { grow: true, to: Math.min(Math.floor(ceiling), Math.ceil((current * incrementPercent) / 100)) };
}

/** A pool's counters at the time of the error. */
export interface PoolUsage {
  max: number;
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** pg-pool's message when no connection could be had within `connectionTimeoutMillis`. */
const POOL_TIMEOUT = /timeout exceeded when trying to connect/i;
/** The server's own connection limit (SQLSTATE 53300): more clients would make it worse. */
const SERVER_FULL = /too many clients/i;

/** What pool_increase does for one error: grow the pool, re-run in the room a growth left, or nothing. */
export type PoolAction =
  | { kind: 'grow' }
  | { kind: 'rerun'; room: number }
  | { kind: 'skip'; reason: string };

/**
 * What pool_increase does for one error. Pure.
 * - "too many clients": nothing — the server refuses more, a bigger pool would make it worse;
 * - not a pool problem (pool not full, not a pool timeout): nothing;
 * - the pool was grown already (`grown`) and has room — unopened or idle connections beyond those
 *   already waited for: re-run the request there. A burst of timeouts from one exhaustion grows the
 *   pool once; the other failed requests are served by that growth instead of being answered 500;
 * - otherwise (first exhaustion, or the grown pool is full again): grow.
 */
export function decidePoolAction(errorText: string, errorCode: string | undefined, usage: PoolUsage, grown: boolean): PoolAction {
  if (errorCode === '53300' || SERVER_FULL.test(errorText)) {
    return { kind: 'skip', reason: 'the database server refuses more connections (too many clients); a bigger pool would make it worse' };
  }
  const full = usage.totalCount >= usage.max && (usage.idleCount === 0 || usage.waitingCount > 0);
  const state = `${usage.totalCount} of ${usage.max} connections open, ${usage.idleCount} idle`;
  if (!full && !POOL_TIMEOUT.test(errorText)) return { kind: 'skip', reason: grown ? `pool already grown and not full (${state})` : `pool not exhausted (${state})` };
  const room = usage.max - usage.totalCount + usage.idleCount - usage.waitingCount;
  if (grown && room > 0) return { kind: 'rerun', room };
  return { kind: 'grow' };
}
