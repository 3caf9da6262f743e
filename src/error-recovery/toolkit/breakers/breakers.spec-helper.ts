import { resolveOptions } from '../../error-recovery-options.js';
import type { ErrorRecoveryModuleOptions } from '../../error-recovery-options.interface.js';
import { RecoveryEvents } from '../../events/recovery-events.js';
import type { Clock } from '../../resilience/clock.js';
import { CircuitBreakerRegistry } from '../../state/circuit-breaker.registry.js';
import { InMemoryCircuitStateStore } from '../../state/circuit-state.store.js';
import { CircuitBreakers } from './circuit-breakers.service.js';

/** A registry and `CircuitBreakers` on a clock the test moves by hand (`clock.t`, ms). */
export function breakersSetup(extra: ErrorRecoveryModuleOptions = {}) {
  const clock = { t: 1_000_000, now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };
  const options = resolveOptions({ clock, ...extra }, {});
  const registry = new CircuitBreakerRegistry(new InMemoryCircuitStateStore(), options, new RecoveryEvents());
  return { clock, registry, breakers: new CircuitBreakers(registry, options) };
}

