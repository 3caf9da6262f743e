/** A request refused because its route's bulkhead queue is full. Answered 503 with Retry-After; not stored. */
export class BulkheadRejectedError extends Error {
  constructor(
    readonly route: string,
    readonly queued: number,
  ) {
    super(`${route} is at capacity (${queued} waiting).`);
    this.name = 'BulkheadRejectedError';
  }
}

export const isBulkheadRejectedError = (e: unknown): e is BulkheadRejectedError => e instanceof BulkheadRejectedError;
