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

/**
 * Why growing the pool cannot help with this error, if it cannot. A pool that is full now may
 * grow. A pool timeout proves the pool was full, even if connections were released since — unless
 * the pool was grown since (`grown`): a burst of timeouts from one exhaustion then grows it once,
 * not once per failed request.
 */
export function reasonNotToGrow(errorText: string, errorCode: string | undefined, usage: PoolUsage, grown: boolean): string | undefined {
  if (errorCode === '53300' || SERVER_FULL.test(errorText)) {
    return 'the database server refuses more connections (too many clients); a bigger pool would make it worse';
  }
  const full = usage.totalCount >= usage.max && (usage.idleCount === 0 || usage.waitingCount > 0);
  if (full || (POOL_TIMEOUT.test(errorText) && !grown)) return undefined;
  const state = `${usage.totalCount} of ${usage.max} connections open, ${usage.idleCount} idle`;
  return grown ? `pool already grown and not full (${state})` : `pool not exhausted (${state})`;
}
