/** Metadata key of `@RegisterHealthCheck()` on a provider method. */
export const HEALTH_CHECK_METADATA = 'ERROR_RECOVERY:HEALTH_CHECK';

/** Default paths of the unauthenticated probes (module extra `healthProbes`). */
export const DEFAULT_HEALTH_PROBES = Object.freeze({ live: 'health/live', ready: 'health/ready' });
