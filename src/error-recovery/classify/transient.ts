import {
  DB_CONNECTION_MESSAGES, QUOTA_MESSAGE, TRANSIENT_SQLSTATES, TRANSIENT_STATUSES, TRANSIENT_TYPES,
} from './error-tables.js';
import type { Detection } from './error-type.js';
import { sqlState } from './error-type.js';

/**
 * True when repeating the same operation may succeed: timeouts, lost connections, 503s and
 * rate limits; database pool exhaustion, dropped connections and the SQLSTATEs of
 * serialization failures, deadlocks and shutdowns; upstream 408/429/502/503/504.
 * A message mentioning a quota is permanent even behind a 429: waiting a few seconds will
 * not refill it. Everything else (validation, 4xx, programming errors, other SQLSTATEs such as
 * 23505 or 42P01) is permanent.
 * `message` is the error's message already capped, so the patterns stay cheap.
 */
export function isTransient(error: unknown, detection: Detection, message: string): boolean {
  if (QUOTA_MESSAGE.test(message)) return false;
  const { errorType } = detection;
  if (TRANSIENT_TYPES.has(errorType)) return true;
  if (errorType === 'DatabaseError') {
    const state = sqlState(error);
    if (state !== undefined) return TRANSIENT_SQLSTATES.has(state);
    return DB_CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
  }
  if (errorType === 'APIError') {
    const status = detection.upstreamStatus ?? detection.ownStatus;
    return status !== undefined && TRANSIENT_STATUSES.has(status);
  }
  return false;
}
