import type { CircuitBreakerView } from '../state/circuit-breaker.registry.js';
import type { BreakerHealth, HealthReport, HealthStatus, ServiceHealth } from './health-report.interface.js';
import type { CheckOutcome } from './run-health-check.js';

/** A check's outcome with what it was registered with. */
export interface RatedOutcome extends CheckOutcome {
  critical: boolean;
  breaker?: string;
}

/**
 * The rule, pure: a failed check is `error` for its service; a passing one is `degraded` while its
 * breaker is not closed. Overall `error` when a critical check failed (the module's store is
 * critical); `degraded` when any other check failed or any breaker is open or half-open;
 * `healthy` otherwise.
 */
export function healthReport(outcomes: readonly RatedOutcome[], breakers: readonly CircuitBreakerView[], now: number): HealthReport {
  // Built from entries: a name such as `__proto__` stays an entry of its own.
  const circuit_breakers: Record<string, BreakerHealth> = Object.fromEntries(
    breakers.map((b) => [b.name, { state: b.state, consecutive_failures: b.consecutive_failures, opened_at: b.opened_at, reopen_at: b.reopen_at }]),
  );
  const services: [string, ServiceHealth][] = [];
  let status: HealthStatus = 'healthy';
  for (const o of outcomes) {
    // A breaker with no state is closed: it is only listed once a failure was counted.
    const breakerState = o.breaker !== undefined && Object.hasOwn(circuit_breakers, o.breaker) ? circuit_breakers[o.breaker].state : 'closed';
    const own: HealthStatus = !o.ok ? 'error' : breakerState === 'closed' ? 'healthy' : 'degraded';
    services.push([o.name, {
      status: own,
      latency_ms: o.latencyMs,
      checked_at: new Date(o.at).toISOString(),
      critical: o.critical,
      ...(o.breaker === undefined ? {} : { breaker: o.breaker }),
      ...(o.error === undefined ? {} : { error: o.error }),
    }]);
    status = worse(status, own === 'error' && !o.critical ? 'degraded' : own);
  }
  if (Object.values(circuit_breakers).some((b) => b.state !== 'closed')) status = worse(status, 'degraded');
  return { status, checked_at: new Date(now).toISOString(), services: Object.fromEntries(services), circuit_breakers };
}

const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, error: 2 };

function worse(a: HealthStatus, b: HealthStatus): HealthStatus {
  return RANK[b] > RANK[a] ? b : a;
}
