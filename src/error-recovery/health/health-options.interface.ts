/** Health checks of the app's dependencies (`health` option of the module). */
export interface HealthOptions {
  /**
   * How often every check runs in the background, ms; 0 runs them on demand only (the endpoints,
   * `HealthService.check()`). Default 30000. The timer never keeps the process alive.
   */
  intervalMs?: number;
  /** How long one check may take before it counts as failed, ms; a check can set its own. Default 2000. */
  timeoutMs?: number;
  /**
   * A report younger than this is answered as is by `GET /api/errors/health`, the readiness probe
   * and the terminus indicator, instead of running every check again, ms. Default 5000.
   */
  maxAgeMs?: number;
  /** Check each of the app's TypeORM DataSources (`SELECT 1`). Default true. */
  dataSources?: boolean;
  /** Longest error message kept per failed check (after scrubbing), characters. Default 300. */
  maxErrorLength?: number;
}

/** {@link HealthOptions} with every default applied; `enabled` false when the option is `false`. */
export interface ResolvedHealthOptions extends Required<HealthOptions> {
  enabled: boolean;
}

/** The defaults, defined once. */
export const DEFAULT_HEALTH_OPTIONS: Readonly<Required<HealthOptions>> = Object.freeze({
  intervalMs: 30_000,
  timeoutMs: 2000,
  maxAgeMs: 5000,
  dataSources: true,
  maxErrorLength: 300,
});

/** `options` over the defaults; negative or non-finite numbers fall back to the default. */
export function resolveHealthOptions(options: HealthOptions | false | undefined): ResolvedHealthOptions {
  const given = options === false ? {} : (options ?? {});
  const ms = (v: number | undefined, d: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  return {
    enabled: options !== false,
    intervalMs: ms(given.intervalMs, DEFAULT_HEALTH_OPTIONS.intervalMs),
    timeoutMs: Math.max(1, ms(given.timeoutMs, DEFAULT_HEALTH_OPTIONS.timeoutMs)),
    maxAgeMs: ms(given.maxAgeMs, DEFAULT_HEALTH_OPTIONS.maxAgeMs),
    dataSources: given.dataSources ?? DEFAULT_HEALTH_OPTIONS.dataSources,
    maxErrorLength: Math.max(20, ms(given.maxErrorLength, DEFAULT_HEALTH_OPTIONS.maxErrorLength)),
  };
}
