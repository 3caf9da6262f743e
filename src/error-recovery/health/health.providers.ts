import { ErrorRecoveryHealthIndicator } from './error-recovery.health-indicator.js';
import { HealthCheckExplorer } from './health-check.explorer.js';
import { HealthCheckRegistry } from './health-check.registry.js';
import { HealthService } from './health.service.js';
import { RedisHealthSource } from './redis-health.source.js';

/** Health providers the app injects (exported by the module). */
export const HEALTH_SERVICES = [HealthService, ErrorRecoveryHealthIndicator];

/** Health providers internal to the module. */
export const HEALTH_PROVIDERS = [HealthCheckRegistry, HealthCheckExplorer, RedisHealthSource];
