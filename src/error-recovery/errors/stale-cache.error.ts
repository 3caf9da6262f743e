/**
 * Thrown by an app (or a cache wrapper) that found a cached value stale or corrupt: the evidence
 * cache_clear needs to act. `keys` names the cache keys concerned; cache_clear then clears those
 * (where the cache can) instead of the failing request's own key.
 *
 * @example
 * ```ts
 * if (typeof cached.price !== 'number') throw new StaleCacheError(`catalog:${id} has no price`, [`catalog:${id}`]);
 * ```
 */
export class StaleCacheError extends Error {
  /** Brand, so the guard works across two copies of the package. */
  readonly staleCache = true;

  constructor(
    message: string,
    readonly keys: readonly string[] = [],
  ) {
    super(message);
    this.name = 'StaleCacheError';
  }
}

/** Whether `e` says a cached value is stale: a `StaleCacheError`, or any error branded `staleCache: true`. */
export const isStaleCacheError = (e: unknown): e is { staleCache: true; keys?: readonly string[] } =>
  typeof e === 'object' && e !== null && (e as { staleCache?: unknown }).staleCache === true;
