import { causeChain, constructorName, readProp, readString } from '../common/safe-read.js';
import { isStaleCacheError } from '../errors/stale-cache.error.js';

/** A value that failed to deserialise (JSON.parse and friends). */
const PARSE_FAILURE = /\bJSON\b|Unexpected (?:token|end of (?:JSON )?input)|is not valid JSON|deserializ|deserialis/i;
/** PostgreSQL (SQLSTATE 0A000): a prepared statement's cached plan no longer matches the table. */
const STALE_PLAN = /cached plan must not change result type/i;
/** TypeORM's optimistic-lock failure: the version read (perhaps from a cache) is not the current one. */
const VERSION_MISMATCH = new Set(['OptimisticLockVersionMismatchError']);

/** What cache_clear found in an error: why data may be stale, and the keys it names, if any. */
export interface StaleEvidence {
  reason: string;
  keys: string[];
}

/**
 * Evidence that an error comes from stale or corrupt data, which clearing a cache may fix. Pure,
 * never throws. Counts: an error marked stale (`StaleCacheError`, or `staleCache: true`, with the
 * keys it names), a value that failed to deserialise (SyntaxError from a parser), PostgreSQL's
 * "cached plan must not change result type", an optimistic-lock version mismatch. Nothing else: a
 * database down, a timeout or a bug is not fixed by a cache flush, which would only add load.
 */
export function staleDataEvidence(error: unknown): StaleEvidence | undefined {
  try {
    for (const link of causeChain(error)) {
      if (isStaleCacheError(link)) return { reason: readString(link, 'message') ?? 'the error marks cached data as stale', keys: keysOf(link) };
      const name = readString(link, 'name') ?? constructorName(link);
      const message = readString(link, 'message') ?? '';
      if (name === 'SyntaxError' && PARSE_FAILURE.test(message)) return { reason: 'a value could not be parsed (corrupt data)', keys: [] };
      if (STALE_PLAN.test(message) || STALE_PLAN.test(readString(readProp(link, 'driverError'), 'message') ?? '')) return { reason: 'PostgreSQL cached plan is stale', keys: [] };
      if (name !== undefined && VERSION_MISMATCH.has(name)) return { reason: 'optimistic-lock version mismatch (stale data read)', keys: [] };
    }
  } catch {
    // A hostile value is no evidence.
  }
  return undefined;
}

function keysOf(error: unknown): string[] {
  const keys = readProp(error, 'keys');
  return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string').slice(0, 100) : [];
}

/** What one cache_clear clears: keys matching a pattern, or exact keys. */
export type CacheClearScope = { pattern: string } | { keys: string[] } | { none: string };

/**
 * The keys cache_clear clears for one error, most specific first. Pure.
 * - `clearPattern` set by the app (per route or module): that pattern (`'*'`: whole caches);
 * - keys the error names (`StaleCacheError`);
 * - the failing request's own key in a cache-manager cache, as Nest's CacheInterceptor builds it
 *   for a GET without `@CacheKey()`: the request URL with its query string;
 * - otherwise nothing: no cache is flushed as a whole by default.
 */
export function cacheClearScope(clearPattern: string | null, evidence: StaleEvidence, request?: { method: string; url: string }): CacheClearScope {
  if (clearPattern !== null && clearPattern !== '') return { pattern: clearPattern };
  if (evidence.keys.length > 0) return { keys: evidence.keys };
  if (!request) return { none: 'no request in hand, so no key of its own; set clearPattern to clear by pattern' };
  if (request.method !== 'GET') return { none: `a ${request.method} request has no cached response of its own; set clearPattern to clear by pattern` };
  return { keys: [request.url] };
}

/** Label of a scope, for messages and the cool-down key. */
export const scopeLabel = (scope: { pattern: string } | { keys: string[] }): string =>
  'pattern' in scope ? `keys matching '${scope.pattern}'` : scope.keys.length === 1 ? `key '${scope.keys[0]}'` : `keys ${scope.keys.map((k) => `'${k}'`).join(', ')}`;
