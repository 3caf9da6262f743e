import type { CircuitState } from '../resilience/circuit-state.js';

/** Overall health: `error` when a critical dependency fails, `degraded` when anything else is off. */
export type HealthStatus = 'healthy' | 'degraded' | 'error';

/** The last check of one dependency. */
export interface ServiceHealth {
  /** `error`: the check failed or timed out; `degraded`: it passed but its breaker is not closed. */
  status: HealthStatus;
  /** How long the check took, ms. */
  latency_ms: number;
  /** When it finished, ISO 8601. */
  checked_at: string;
  critical: boolean;
  /** The breaker of this dependency, when it has one. */
  breaker?: string;
  /** Why it failed: scrubbed of secrets and capped (`health.maxErrorLength`). */
  error?: string;
}

/** One breaker as the health report shows it. */
export interface BreakerHealth {
  state: CircuitState['kind'];
  consecutive_failures: number;
  opened_at: string | null;
  reopen_at: string | null;
}

/** What `GET /api/errors/health` answers. */
export interface HealthReport {
  status: HealthStatus;
  /** When the run finished, ISO 8601. */
  checked_at: string;
  services: Record<string, ServiceHealth>;
  circuit_breakers: Record<string, BreakerHealth>;
}
