import { Inject, Injectable } from '@nestjs/common';
import { CIRCUIT_STATE_STORE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import { CircuitMachine } from '../resilience/circuit-breaker.js';
import { CircuitOpeningPolicy } from '../resilience/circuit-opening.policy.js';
import { INITIAL_CIRCUIT_STATE, type CircuitOutcome, type CircuitPolicy, type CircuitState } from '../resilience/circuit-state.js';
import type { CircuitStateStore } from './circuit-state.store.js';
import { circuitBreakerView, type CircuitBreakerView, type BreakerCounts } from './circuit-breaker.view.js';

export type { CircuitBreakerView } from './circuit-breaker.view.js';

/** A request the breaker let through; its outcome is counted once (`settled`). */
export interface BreakerCall {
  readonly name: string;
  /** The probe ticket when the request is a half-open probe. */
  readonly ticket: string | undefined;
  settled: boolean;
}

/** What the breaker decided for a request. */
export type BreakerAdmission = { allow: true; call: BreakerCall } | { allow: false; retryAfterMs: number };

/** What counting one outcome did, for the circuit_break strategy's report. */
export interface BreakerSettlement {
  name: string;
  from: CircuitState['kind'];
  state: CircuitState;
  /** Set when this outcome opened the breaker. */
  opened: string | null;
  policy: CircuitPolicy;
  /** Window counts after the outcome. */
  window: { calls: number; failures: number };
}

/**
 * Per-route (or per named dependency) circuit breakers. The rules are the pure `CircuitMachine` and
 * `CircuitOpeningPolicy`; this keeps the states in a `CircuitStateStore`, counts each admitted
 * request's outcome exactly once (`BreakerCall`), and emits an event on every change.
 */
@Injectable()
export class CircuitBreakerRegistry {
  private readonly counts = new Map<string, BreakerCounts>();
  private readonly policies = new Map<string, CircuitPolicy>();
  /** Call breakers declared by name (`CircuitBreakers.define`): listed and resettable while stateless. */
  private readonly declared = new Set<string>();
  /** The call of each request in flight, so the circuit_break strategy counts the same one. */
  private readonly calls = new WeakMap<object, BreakerCall>();
  /** When {@link idle} may next look for forgotten states (module clock, ms). */
  private sweepAt = 0;

  constructor(
    @Inject(CIRCUIT_STATE_STORE) private readonly store: CircuitStateStore,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly events: RecoveryEvents,
  ) {}

  /** Sets the policy of one breaker (from `@AiErrorHandler({ circuitBreaker })`) unless it has one. */
  configureOnce(name: string, policy: Partial<CircuitPolicy>): void {
    if (!this.policies.has(name)) this.policies.set(name, { ...this.options.circuitBreaker, ...policy });
  }

  /** Declares a call breaker with its full policy: it is listed (closed) before any failure. */
  declare(name: string, policy: CircuitPolicy): void {
    this.policies.set(name, policy);
    this.declared.add(name);
  }

  policy(name: string): CircuitPolicy {
    return this.policies.get(name) ?? this.options.circuitBreaker;
  }

  /**
   * Whether no breaker has a state: then every breaker is closed and quiet and no request needs to
   * consult one. A store that cannot count cheaply is never idle.
   */
  get idle(): boolean {
    const size = this.store.size;
    if (size === 0) return true;
    if (size === undefined) return false;
    // A route that failed once and was never called again keeps its state (only a success on it
    // drops one), and with it every route of the app on the gated path: once per window, closed
    // states with nothing left in their window are dropped here.
    const now = this.options.clock.now();
    if (now < this.sweepAt) return false;
    this.sweepAt = now + this.options.circuitBreaker.windowMs;
    this.dropForgotten(now);
    return this.store.size === 0;
  }

  /** Whether breaker `name` has a state (a failure was counted and it has not gone quiet since). */
  hasState(name: string): boolean {
    return this.store.get(name) !== undefined;
  }

  /**
   * A call of breaker `name` for a request that was not admitted through it (the breaker had no
   * state then): its failure is what creates the state. Made on the error path only.
   */
  unadmitted(name: string): BreakerCall {
    return { name, ticket: undefined, settled: false };
  }

  /** Whether a request may go through; counts probes and rejections. */
  admit(name: string): BreakerAdmission {
    const state = this.store.get(name);
    let ticket: string | undefined;
    if (state !== undefined && state.kind !== 'closed') {
      const { decision, next } = CircuitMachine.admit(state, this.policy(name), this.options.clock.now());
      this.update(name, state, next, 'timeout_elapsed');
      if (!decision.allow) {
        this.count(name).rejected++;
        return decision;
      }
      if (decision.probe) ticket = decision.ticket;
    }
    return { allow: true, call: { name, ticket, settled: false } };
  }

  /**
   * Ties an admitted call to its request, so that the circuit_break strategy counts that request's
   * own call (once). Done on the error path only: the success path pays for no WeakMap entry.
   */
  attach(request: object, call: BreakerCall): void {
    this.calls.set(request, call);
  }

  /**
   * Counts how an admitted request ended; a call is counted once (null when it was already).
   * `neutral` (the route's own timeout) frees a probe slot without deciding anything.
   */
  settle(call: BreakerCall, outcome: CircuitOutcome): BreakerSettlement | null {
    if (call.settled) return null;
    call.settled = true;
    const state = this.store.get(call.name);
    // No state yet: a healthy route; nothing to create until a failure calls for it.
    if (state === undefined && outcome !== 'failure') return null;
    const from = state ?? INITIAL_CIRCUIT_STATE;
    const policy = this.policy(call.name);
    const now = this.options.clock.now();
    const { next, opened } = CircuitMachine.record(from, policy, now, outcome, call.ticket);
    if (outcome === 'success' && next !== from) this.count(call.name).successes++;
    if (outcome === 'failure') this.count(call.name).failures++;
    this.update(call.name, from, next, opened ?? 'probe_succeeded');
    const window = next.kind === 'closed' ? CircuitOpeningPolicy.counts(next.buckets, policy, now) : { calls: 0, failures: 0 };
    if (outcome === 'success' && this.quiet(next, window.failures, policy, now)) this.store.delete(call.name);
    return { name: call.name, from: from.kind, state: next, opened, policy, window };
  }

  /** A call whose handler never ran (refused by the bulkhead, client gone): a probe gives its slot back. */
  release(call: BreakerCall): void {
    if (call.settled) return;
    call.settled = true;
    if (call.ticket === undefined) return;
    const state = this.store.get(call.name);
    if (state) this.update(call.name, state, CircuitMachine.release(state, call.ticket), 'probe_released');
  }

  /**
   * Whether `request` is an admitted call of breaker `name` not yet counted: the route wrapper will
   * count it with the request's final outcome once recovery is over.
   */
  willSettle(name: string, request?: unknown): boolean {
    const own = typeof request === 'object' && request !== null ? this.calls.get(request) : undefined;
    return own?.name === name && !own.settled;
  }

  /**
   * Counts a failure of breaker `name` (the circuit_break strategy): the request's own call when it
   * is in flight, so it is never counted twice; a standalone failure otherwise (manual trigger).
   * Null when the request's failure was already counted.
   */
  recordFailure(name: string, request?: unknown): BreakerSettlement | null {
    const own = typeof request === 'object' && request !== null ? this.calls.get(request) : undefined;
    const call = own?.name === name ? own : { name, ticket: undefined, settled: false };
    return this.settle(call, 'failure');
  }

  /**
   * Closed with nothing to remember — no failure in the window, none in a row, no trip left to
   * forgive: the state is dropped, so healthy routes consult no breaker (see {@link idle}). The
   * rate rule then counts calls from the next failure on.
   */
  private quiet(state: CircuitState, windowFailures: number, policy: CircuitPolicy, now: number): boolean {
    return state.kind === 'closed' && state.consecutiveFailures === 0 && windowFailures === 0 && CircuitMachine.trips(state, policy, now) === 0;
  }

  /**
   * Drops the closed states that remember nothing within their window — no failure in it, no trip
   * left to forgive — whatever their count of failures in a row: no request of their route came
   * since (a success resets that count, a failure would be in the window). Open and half-open
   * states are kept: their trips set how long the next opening lasts.
   */
  private dropForgotten(now: number): void {
    const forgotten: string[] = [];
    for (const [name, state] of this.store.entries()) {
      if (state.kind !== 'closed') continue;
      const policy = this.policy(name);
      if (CircuitOpeningPolicy.counts(state.buckets, policy, now).failures === 0 && CircuitMachine.trips(state, policy, now) === 0) forgotten.push(name);
    }
    for (const name of forgotten) this.store.delete(name);
  }

  /** Opens the breaker now, by hand (tests, operators). Returns the open state. */
  open(name: string): CircuitState & { kind: 'open' } {
    const state = this.store.get(name) ?? INITIAL_CIRCUIT_STATE;
    const now = this.options.clock.now();
    const open = CircuitMachine.open(this.policy(name), now, CircuitMachine.trips(state, this.policy(name), now));
    this.update(name, state, open, 'manual');
    return open;
  }

  /** Half-opens an open breaker now (`reason`: e.g. `health_check`). False when it is not open. */
  toHalfOpen(name: string, reason: string): boolean {
    const state = this.store.get(name);
    if (state?.kind !== 'open') return false;
    this.update(name, state, CircuitMachine.toHalfOpen(state), reason);
    return true;
  }

  /** Closes a breaker by hand and forgets its trips. False when no breaker has this name. */
  reset(name: string): boolean {
    const state = this.store.get(name);
    if (state === undefined) return this.declared.has(name);
    this.update(name, state, INITIAL_CIRCUIT_STATE, 'reset');
    return true;
  }

  /** Every breaker with a state, and every declared call breaker (closed while it has none). */
  list(): CircuitBreakerView[] {
    const names = new Set([...[...this.store.entries()].map(([name]) => name), ...this.declared]);
    return [...names].map((name) => this.status(name)).filter((view): view is CircuitBreakerView => view !== undefined);
  }

  /** Breaker `name` as the API lists it; undefined when it has no state and was not declared. */
  status(name: string): CircuitBreakerView | undefined {
    const state = this.store.get(name) ?? (this.declared.has(name) ? INITIAL_CIRCUIT_STATE : undefined);
    if (state === undefined) return undefined;
    return circuitBreakerView(name, state, this.policy(name), { ...this.count(name) }, this.options.clock.now());
  }

  private update(name: string, from: CircuitState, to: CircuitState, reason: string): void {
    if (from === to) return;
    this.store.set(name, to);
    if (from.kind === to.kind && to.kind !== 'open') return;
    if (to.kind === 'open') this.count(name).opened++;
    const event = to.kind === 'open' ? 'circuit.opened' : to.kind === 'half_open' ? 'circuit.half_open' : 'circuit.closed';
    this.events.emit(event, { name, from: from.kind, to: to.kind, state: to, reason });
  }

  private count(name: string): BreakerCounts {
    let counts = this.counts.get(name);
    if (!counts) {
      counts = { successes: 0, failures: 0, rejected: 0, opened: 0 };
      this.counts.set(name, counts);
    }
    return counts;
  }
}
