import { isInstanceOf } from '../common/safe-read.js';

/** A request refused by a throttle that request_throttle turned on. Answered 429 with Retry-After; not stored. */
export class RequestThrottledError extends Error {
  constructor(
    readonly route: string,
    readonly retryAfterMs: number,
  ) {
    super(`Requests to ${route} are throttled; retry in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.name = 'RequestThrottledError';
  }
}

/** Never throws, whatever `e` is. */
export const isRequestThrottledError = (e: unknown): e is RequestThrottledError => isInstanceOf(e, RequestThrottledError);
