import { isInstanceOf } from '../common/safe-read.js';

/** A request refused because its route's bulkhead queue is full. Answered 503 with Retry-After; not stored. */
export class BulkheadRejectedError extends Error {
  constructor(
    readonly route: string,
    readonly queued: number,
    reason = 'queue full',
  ) {
    super(`${route} is at capacity (${reason}, ${queued} waiting).`);
    this.name = 'BulkheadRejectedError';
  }
}

/** Never throws, whatever `e` is. */
export const isBulkheadRejectedError = (e: unknown): e is BulkheadRejectedError => isInstanceOf(e, BulkheadRejectedError);
