import type { DataSource } from 'typeorm';

/** Parameters of each built-in strategy (product defaults in brackets), global or per route. */
export interface StrategyParameters {
  timeout_increase?: {
    /** Timeout the interceptor enforces on every route, ms [5000]. `0` turns it off. */
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
    /** Keys to clear where the cache supports patterns ['*']. */
    clearPattern?: string;
    /** Clear what the cache allows, skip what fails, instead of stopping at the first failure [true]. */
    graceful?: boolean;
  };
  pool_increase?: {
    /** New size = current size × this / 100 [150]. */
    incrementPercent?: number;
    /** The pool never grows past this many connections [50]. */
    ceiling?: number;
    /** How long the grown pool stays before it shrinks back, ms [300000]. */
    coolDownMs?: number;
  };
  resource_scale?: {
    resourceType?: string;
    /** Replicas (or capacity) × this [1.5]. */
    scaleFactor?: number;
    /** Scale at all [env AUTO_SCALE_ON_ERROR, else false]. */
    autoScale?: boolean;
    /** Never past the original size × this [env MAX_SCALE_FACTOR, else 3]. */
    maxScaleFactor?: number;
    /** At most one scale-up per target in this window, ms [300000]. */
    coolDownMs?: number;
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
    /** Let work in flight finish before restarting [true]. */
    graceful?: boolean;
    /** Longest a restart (and its health check) may take, seconds [30]. */
    timeoutSeconds?: number;
    /** Run the target's health check after the restart [true]. */
    healthCheck?: boolean;
    /** Restarts of one target per window at most [3]. */
    maxRestarts?: number;
    /** The window of `maxRestarts`, ms [600000]. */
    windowMs?: number;
  };
}

/** A cache the cache_clear strategy may clear. */
export interface ClearableCache {
  readonly name: string;
  /** Clears everything, or the keys matching a glob-style pattern when given and supported. */
  clear(pattern?: string): Promise<number | void> | number | void;
}

/** A target the service_restart strategy may restart. */
export interface Restartable {
  readonly name: string;
  restart(): Promise<void>;
  /** Resolves when healthy; rejects (or resolves false) when not. */
  healthCheck?(): Promise<boolean | void>;
}

/** Something that can add capacity (an autoscaler, a Deployment). */
export interface Scaler {
  readonly name: string;
  /** Scales up by `factor`, capped at `maxFactor` × the size it had first; reports what changed. */
  scaleUp(factor: number, maxFactor: number): Promise<{ from: number; to: number } | { skipped: string }>;
}

/** Targets of effects, given in options (providers marked with the target decorators are found too). */
export interface RecoveryTargets {
  /** TypeORM DataSources whose pools may grow and which may be restarted. @nestjs/typeorm ones are found. */
  dataSources?: DataSource[];
  caches?: ClearableCache[];
  restartables?: Restartable[];
  scalers?: Scaler[];
}
