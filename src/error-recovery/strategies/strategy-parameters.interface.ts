import type { DataSource } from 'typeorm';
import type { ClearableCache, Restartable, Scaler } from '../common/recovery-target.interface.js';

/** Parameters of each built-in strategy (product defaults in brackets), global or per route. */
export interface StrategyParameters {
  timeout_increase?: {
    /**
     * Timeout enforced on every route, ms [0: none]. Prefer the top-level
     * `routeTimeoutMs`, which wins over this when both are set.
     * @deprecated use `routeTimeoutMs` (module-wide) or `@AiErrorHandler({ timeoutMs })` (per route).
     */
    currentTimeoutMs?: number;
    /** Ceiling of a raised timeout, ms [15000]. */
    newTimeoutMs?: number;
    /** How much a timeout grows: +200 % triples it [200]. */
    incrementPercent?: number;
    /** How long a raised timeout stays before it decays back, ms [300000]. */
    coolDownMs?: number;
  };
  cache_clear?: {
    /** Which caches: every registered one, or one kind [all]. */
    cacheType?: 'all' | 'cache-manager' | 'query-result' | 'custom';
    /**
     * Keys to clear, as a glob pattern where the cache supports patterns (`'products:*'`; `'*'`
     * clears whole caches) [null: only the keys of what failed — those a `StaleCacheError` names,
     * else the failing GET request's own key in the cache-manager cache, as Nest's CacheInterceptor
     * builds it (the URL with its query string). Caches that cannot clear exact keys are skipped].
     */
    clearPattern?: string | null;
    /** Clear what the cache allows, skip what fails, instead of stopping at the first failure [true]. */
    graceful?: boolean;
    /** The same keys of one cache are cleared at most once per this window, ms [30000]. */
    coolDownMs?: number;
    /**
     * Clear on any error planned to cache_clear, not only on evidence of stale or corrupt data
     * (a `StaleCacheError`, a parse error, a stale PostgreSQL plan, a version mismatch) [false].
     * Set it per route whose failures you know come from its cache.
     */
    onAnyError?: boolean;
  };
  pool_increase?: {
    /** New size = current size × this / 100 [150]. */
    incrementPercent?: number;
    /** The pool never grows past this many connections [50]. */
    ceiling?: number;
    /** How long the grown pool stays before it shrinks back, ms [300000]. */
    coolDownMs?: number;
    /**
     * Name of the DataSource whose pool grows [null: the only registered one]. Needed when the app
     * has several (`'default'` for the unnamed @nestjs/typeorm one, else its `name`).
     */
    dataSource?: string | null;
  };
  resource_scale?: {
    /** What to add capacity for; sent to scalers (webhook `resource_type`) ['cpu']. */
    resourceType?: string;
    /** Replicas (or capacity) × this [1.5]. */
    scaleFactor?: number;
    /** Scale at all [env AUTO_SCALE_ON_ERROR, else false]. */
    autoScale?: boolean;
    /**
     * Never past the baseline × this [env MAX_SCALE_FACTOR, else 3]. The baseline is the size before
     * the module scaled; the Kubernetes scaler keeps it on the Deployment, so restarts and other
     * instances share it.
     */
    maxScaleFactor?: number;
    /**
     * At most one scale-up per scaler in this window, ms [300000]. Per process; the Kubernetes scaler
     * applies it across every instance (the time is kept on the Deployment).
     */
    coolDownMs?: number;
    /** Names of the scalers to call; empty calls every registered one [[]]. */
    scalers?: string[];
  };
  fallback?: {
    /**
     * Keep the last good response of GET routes to serve stale when they fail [false]. Turn it on per
     * route (`@AiErrorHandler({ parameters: { fallback: { staleCache: true } } })`) for responses
     * that are the same for every caller.
     */
    staleCache?: boolean;
    /**
     * Responses kept at most (least recently stored go first) [500]. The module's value bounds the
     * whole cache; a route's own bounds that route's responses only.
     */
    staleMaxEntries?: number;
    /**
     * Bytes the stale responses may take in all, estimated as the size of their JSON [8388608 = 8 MiB].
     * A response larger than this is not kept; older ones go first to make room. The module's value
     * bounds the whole cache; a route's own bounds that route's responses only.
     */
    staleMaxBytes?: number;
    /** Oldest stale response served, ms [300000]. */
    staleMaxAgeMs?: number;
    /** Also keep responses to requests with Authorization or Cookie (per route only!) [false]. */
    staleIncludeAuthenticated?: boolean;
    /**
     * Base URL of a fallback deployment the request is forwarded to, e.g. `http://orders-b:3000` [''
     * = none]. Only the request's path and query are appended to it (`http://b/api` + `/x?q=1` →
     * `http://b/api/x?q=1`); the origin is always this one, whatever the request line says.
     */
    upstreamUrl?: string;
    /** Timeout of the forwarded request, ms [3000]. */
    upstreamTimeoutMs?: number;
    /** Largest answer body read from the upstream, bytes [1048576 = 1 MiB]; a larger one is a failed step. */
    upstreamMaxBytes?: number;
  };
  queue_priority?: {
    /** Priority levels up: normal × 2 → high [2]. */
    boostFactor?: number;
  };
  request_throttle?: {
    /** Sustained rate of the throttle [100]. */
    requestsPerMinute?: number;
    /** Requests allowed at once above the rate [10]. */
    burstSize?: number;
    /** How long the throttle stays on, ms [300000]. */
    coolDownMs?: number;
    /** Throttle the whole route, or each client (user id, else IP) apart ['route']. */
    scope?: 'route' | 'client';
  };
  service_restart?: {
    /**
     * Let work in flight finish before restarting [true]. A DataSource always does: TypeORM's
     * `destroy()` waits for checked-out connections to be released (bounded by `timeoutSeconds`).
     */
    graceful?: boolean;
    /** Longest a restart (and its health check) may take, seconds [30]. */
    timeoutSeconds?: number;
    /** Run the target's health check after the restart [true]. */
    healthCheck?: boolean;
    /** Restarts of one target per window at most [3]. */
    maxRestarts?: number;
    /** The window of `maxRestarts`, ms [600000]. */
    windowMs?: number;
    /**
     * Name of the target to restart: a `@RestartableTarget()` provider, a `targets.restartables`
     * entry or a DataSource [null: chosen from the error, see README].
     */
    target?: string | null;
    /** Name of the DataSource to restart on database errors when the app has several [null]. */
    dataSource?: string | null;
  };
}

/** Targets of effects, given in options (providers marked with the target decorators are found too). */
export interface RecoveryTargets {
  /** TypeORM DataSources whose pools may grow and which may be restarted. @nestjs/typeorm ones are found. */
  dataSources?: DataSource[];
  caches?: ClearableCache[];
  restartables?: Restartable[];
  scalers?: Scaler[];
}
