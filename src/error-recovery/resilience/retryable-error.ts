import { answerFacts } from '../classify/error-classifier.js';
import { sqlState } from '../classify/error-type.js';
import { retryAfterSeconds } from '../classify/retry-after.js';

/** SQLSTATEs after which the whole transaction may simply run again: serialization failure, deadlock. */
export const SERIALIZATION_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);

/**
 * True for a PostgreSQL serialization failure (40001) or deadlock (40P01), on a pg error or on
 * TypeORM's `QueryFailedError` (`.code` / `.driverError.code`). The server rolled the transaction
 * back, so running it again from the start is safe.
 */
export function isSerializationFailure(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && SERIALIZATION_SQLSTATES.has(state);
}

/**
 * The classifier's verdict: true when trying the same thing again may succeed (timeouts, resets,
 * 429/502/503/504, serialization failures and deadlocks, lost database connections). Never throws.
 */
export function isTransientError(error: unknown): boolean {
  try {
    return answerFacts(error, { environment: 'production' }).answer.transient;
  } catch {
    return false;
  }
}

/** The wait an error asks for (`retryAfter`, a `retry-after` header, seconds or HTTP date), ms; undefined when none. */
export function retryAfterMsOf(error: unknown, now: number): number | undefined {
  const seconds = retryAfterSeconds(error, now);
  return seconds === undefined ? undefined : seconds * 1000;
}
