import { Inject, Injectable } from '@nestjs/common';
import { CIRCUIT_STATE_STORE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import { CircuitMachine } from '../resilience/circuit-breaker.js';
import { INITIAL_CIRCUIT_STATE, type CircuitDecision, type CircuitPolicy, type CircuitState } from '../resilience/circuit-state.js';
import type { CircuitStateStore } from './circuit-state.store.js';

/** One breaker as the API lists it. */
export interface CircuitBreakerView {
  name: string;
  state: CircuitState['kind'];
  consecutive_failures: number;
  opened_at: string | null;
  reopen_at: string | null;
  policy: CircuitPolicy;
  counts: { successes: number; failures: number; rejected: number; opened: number };
}

interface Counts {
  successes: number;
  failures: number;
  rejected: number;
  opened: number;
}

/**
 * Per-route (or per named dependency) circuit breakers. The rules are the pure `CircuitMachine`;
 * this keeps the states in a `CircuitStateStore`, counts, and emits an event on every change.
 */
@Injectable()
export class CircuitBreakerRegistry {
  private readonly counts = new Map<string, Counts>();
  private readonly policies = new Map<string, CircuitPolicy>();

  constructor(
    @Inject(CIRCUIT_STATE_STORE) private readonly store: CircuitStateStore,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly events: RecoveryEvents,
  ) {}

  /** Sets the policy of one breaker (from `@AiErrorHandler({ circuitBreaker })`) unless it has one. */
  configureOnce(name: string, policy: Partial<CircuitPolicy>): void {
    if (!this.policies.has(name)) this.policies.set(name, { ...this.options.circuitBreaker, ...policy });
  }

  policy(name: string): CircuitPolicy {
    return this.policies.get(name) ?? this.options.circuitBreaker;
  }

  /** Whether a request may go through; counts probes and rejections. */
  admit(name: string): CircuitDecision {
    const state = this.store.get(name);
    if (state === undefined || state.kind === 'closed') return { allow: true, probe: false };
    const { decision, next } = CircuitMachine.admit(state, this.policy(name), this.options.clock.now());
    this.update(name, state, next, 'timeout_elapsed');
    if (!decision.allow) this.count(name).rejected++;
    return decision;
  }

  recordSuccess(name: string): void {
    const state = this.store.get(name);
    if (state === undefined || (state.kind === 'closed' && state.consecutiveFailures === 0)) return;
    this.count(name).successes++;
    this.update(name, state, CircuitMachine.onSuccess(state, this.policy(name)), 'probe_succeeded');
  }

  recordFailure(name: string): void {
    const state = this.store.get(name) ?? INITIAL_CIRCUIT_STATE;
    this.count(name).failures++;
    const reason = state.kind === 'half_open' ? 'probe_failed' : 'threshold';
    this.update(name, state, CircuitMachine.onFailure(state, this.policy(name), this.options.clock.now()), reason);
  }

  /** Opens the breaker now (the circuit_break strategy). Returns the open state. */
  open(name: string): CircuitState & { kind: 'open' } {
    const state = this.store.get(name) ?? INITIAL_CIRCUIT_STATE;
    const open = CircuitMachine.open(this.policy(name), this.options.clock.now()) as CircuitState & { kind: 'open' };
    this.update(name, state, open, 'strategy');
    return open;
  }

  /** Closes a breaker by hand. False when no breaker has this name. */
  reset(name: string): boolean {
    const state = this.store.get(name);
    if (state === undefined) return false;
    this.update(name, state, INITIAL_CIRCUIT_STATE, 'reset');
    return true;
  }

  list(): CircuitBreakerView[] {
    return [...this.store.entries()].map(([name, state]) => ({
      name,
      state: state.kind,
      consecutive_failures: state.kind === 'closed' ? state.consecutiveFailures : 0,
      opened_at: state.kind === 'open' ? new Date(state.openedAt).toISOString() : null,
      reopen_at: state.kind === 'open' ? new Date(state.reopenAt).toISOString() : null,
      policy: this.policy(name),
      counts: { ...this.count(name) },
    }));
  }

  private update(name: string, from: CircuitState, to: CircuitState, reason: string): void {
    if (from === to) return;
    this.store.set(name, to);
    if (from.kind === to.kind && to.kind !== 'open') return;
    if (to.kind === 'open') this.count(name).opened++;
    const event = to.kind === 'open' ? 'circuit.opened' : to.kind === 'half_open' ? 'circuit.half_open' : 'circuit.closed';
    this.events.emit(event, { name, from: from.kind, to: to.kind, state: to, reason });
  }

  private count(name: string): Counts {
    let counts = this.counts.get(name);
    if (!counts) {
      counts = { successes: 0, failures: 0, rejected: 0, opened: 0 };
      this.counts.set(name, counts);
    }
    return counts;
  }
}
