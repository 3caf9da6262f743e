import { Inject, Injectable } from '@nestjs/common';
import { classifyError } from '../../classify/error-classifier.js';
import { messageOf } from '../../common/error-text.js';
import { ModuleLogger } from '../../common/log-line.js';
import { isThenable } from '../../common/safe-read.js';
import { scrubString } from '../../common/scrub.js';
import { ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import { toCircuitPolicy, type ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { CircuitOpenError } from '../../errors/circuit-open.error.js';
import { UnknownCircuitBreakerError } from '../../errors/unknown-circuit-breaker.error.js';
import type { CircuitOutcome, CircuitPolicy } from '../../resilience/circuit-state.js';
import { CircuitBreakerRegistry, type BreakerAdmission, type BreakerCall } from '../../state/circuit-breaker.registry.js';
import type { CircuitBreakerSpec } from './call-breaker-options.interface.js';
import { CIRCUIT_BREAKER_PRESETS, isCircuitBreakerPreset } from './circuit-breaker-presets.js';
import type { CircuitBreakerStatus } from './circuit-breaker-status.js';

/** Longest last-failure message kept, characters. */
const LAST_FAILURE_MAX = 500;

interface Entry {
  name: string;
  isFailure: (error: unknown) => boolean;
  counts: { successes: number; failures: number; ignored: number; rejected: number };
  lastFailure: { at: string; message: string } | null;
  /** Probe tickets handed out by `canExecute`, oldest first, for `recordSuccess`/`recordFailure`. */
  probes: { call: BreakerCall; at: number }[];
}

/** How a guarded call ended: a value, or an error (`force`: a failure whatever `isFailure` says, e.g. a timeout). */
export type CallEnd = { ok: true } | { ok: false; error: unknown; force?: boolean };

/**
 * Circuit breakers for any call (an AI model, a database, a third-party API), on the same registry
 * and state machine as the route breakers: one list in `GET /api/errors/circuit-breakers`, one reset.
 * A breaker is declared before use (`forRoot({ breakers })`, {@link define} or `@CircuitBreaker()`).
 */
@Injectable()
export class CircuitBreakers {
  private readonly logger = new ModuleLogger();
  private readonly entries = new Map<string, Entry>();
  /** Breakers whose store failed and was not heard from since (logged once). */
  private readonly faulted = new Set<string>();

  constructor(
    private readonly registry: CircuitBreakerRegistry,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {
    for (const [name, spec] of Object.entries(options.breakers)) this.define(name, spec);
  }

  /**
   * Declares breaker `name` with a preset (`'ai_model'`) or options; without `spec`, the module's
   * policy. Declaring a name again keeps the first declaration (with a warning when it differs).
   */
  define(name: string, spec: CircuitBreakerSpec = {}): void {
    if (this.entries.has(name)) {
      if (spec !== undefined && (typeof spec === 'string' || Object.keys(spec).length > 0)) {
        this.logger.warn(`circuit breaker "${name}" is declared twice; the first declaration is kept`);
      }
      return;
    }
    const options = typeof spec === 'string' ? { preset: spec } : spec;
    if (options.preset !== undefined && !isCircuitBreakerPreset(options.preset)) {
      throw new TypeError(`Unknown circuit breaker preset "${String(options.preset)}" for "${name}"; use ai_model, database or external_api.`);
    }
    const preset = options.preset === undefined ? {} : CIRCUIT_BREAKER_PRESETS[options.preset];
    const policy: CircuitPolicy = { ...this.options.circuitBreaker, ...toCircuitPolicy(preset), ...toCircuitPolicy(options) };
    this.registry.declare(name, policy);
    this.entries.set(name, {
      name,
      isFailure: options.isFailure ?? ((error) => classifyError(error, { environment: this.options.environment }).transient),
      counts: { successes: 0, failures: 0, ignored: 0, rejected: 0 },
      lastFailure: null,
      probes: [],
    });
  }

  /** Whether breaker `name` was declared. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * Runs `fn` through breaker `name`: rejects with `CircuitOpenError` (nothing run) while it is
   * open; otherwise counts the outcome once and passes the value or the error on unchanged.
   */
  async execute<T>(name: string, fn: () => T | PromiseLike<T>): Promise<T> {
    return await this.guard(name, fn);
  }

  /**
   * {@link execute} that keeps a synchronous `fn` synchronous (for `@CircuitBreaker()` on sync
   * methods): throws `CircuitOpenError` when open; a thenable result is settled when it settles.
   */
  guard<T>(name: string, fn: () => T): T {
    const call = this.enter(name);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.leave(call, { ok: false, error });
      throw error;
    }
    if (!isThenable(result)) {
      this.leave(call, { ok: true });
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        this.leave(call, { ok: true });
        return value;
      },
      (error: unknown) => {
        this.leave(call, { ok: false, error });
        throw error;
      },
    ) as T;
  }

  /**
   * Explicit form: whether a call may go now. While half-open a `true` hands out a probe: report how
   * it ended with {@link recordSuccess} or {@link recordFailure} (oldest probe first); a probe never
   * reported frees its slot after the policy's probe timeout.
   */
  canExecute(name: string): boolean {
    const entry = this.entry(name);
    const admission = this.admit(name);
    if (!admission.allow) {
      entry.counts.rejected++;
      return false;
    }
    if (admission.call.ticket !== undefined) {
      const now = this.options.clock.now();
      const timeout = this.registry.policy(name).probeTimeoutMs;
      entry.probes = entry.probes.filter((p) => now - p.at < timeout);
      entry.probes.push({ call: admission.call, at: now });
    }
    return true;
  }

  /** Explicit form: a call of breaker `name` succeeded. */
  recordSuccess(name: string): void {
    this.leave(this.explicitCall(name), { ok: true });
  }

  /**
   * Explicit form: a call of breaker `name` failed. With `error`, it counts only when the breaker's
   * `isFailure` says so; without, it counts.
   */
  recordFailure(name: string, error?: unknown): void {
    const call = this.explicitCall(name);
    this.leave(call, { ok: false, error: error ?? 'failure recorded without an error', force: error === undefined });
  }

  /** State, counts, last failure and time until half-open of breaker `name`. */
  getStatus(name: string): CircuitBreakerStatus {
    const entry = this.entry(name);
    const view = this.registry.status(name);
    const now = this.options.clock.now();
    const reopenAt = view?.reopen_at ? Date.parse(view.reopen_at) : null;
    return {
      name,
      state: view?.state ?? 'closed',
      counts: { ...entry.counts, opened: view?.counts.opened ?? 0 },
      consecutiveFailures: view?.consecutive_failures ?? 0,
      window: { calls: view?.window.calls ?? 0, failures: view?.window.failures ?? 0 },
      lastFailure: entry.lastFailure,
      msUntilHalfOpen: reopenAt === null ? null : Math.max(0, reopenAt - now),
      policy: this.registry.policy(name),
    };
  }

  /** Admits a call of breaker `name` or throws `CircuitOpenError` (counted as rejected). @internal For the toolkit (fallback chains). */
  enter(name: string): BreakerCall {
    const entry = this.entry(name);
    const admission = this.admit(name);
    if (admission.allow) return admission.call;
    entry.counts.rejected++;
    throw new CircuitOpenError(name, admission.retryAfterMs);
  }

  /** Counts how an admitted call ended, once. @internal For the toolkit (fallback chains). */
  leave(call: BreakerCall, end: CallEnd): void {
    const entry = this.entry(call.name);
    if (call.settled) return;
    const outcome = this.outcomeOf(entry, end);
    try {
      this.registry.settle(call, outcome);
    } catch (fault) {
      // The call's own value or error goes back all the same: counting it is the breaker's business.
      this.storeFault(call.name, fault);
      call.settled = true;
    }
    if (outcome === 'success') entry.counts.successes++;
    else if (outcome === 'neutral') entry.counts.ignored++;
    else {
      entry.counts.failures++;
      const message = end.ok ? '' : scrubString(messageOf(end.error, LAST_FAILURE_MAX));
      entry.lastFailure = { at: new Date(this.options.clock.now()).toISOString(), message };
    }
  }

  /** An admitted call that never reached the dependency (the caller gave up): a probe frees its slot. @internal */
  release(call: BreakerCall): void {
    try {
      this.registry.release(call);
    } catch (fault) {
      this.storeFault(call.name, fault);
    }
  }

  /**
   * The registry's decision; a breaker store that cannot answer (a shared store that is down) lets
   * the call through: a broken breaker must not fail the calls it protects (as on the route path).
   */
  private admit(name: string): BreakerAdmission {
    try {
      const admission = this.registry.admit(name);
      this.faulted.delete(name);
      return admission;
    } catch (fault) {
      this.storeFault(name, fault);
      return { allow: true, call: this.registry.unadmitted(name) };
    }
  }

  /** Logged once per breaker until its store answers again, not once per call. */
  private storeFault(name: string, fault: unknown): void {
    if (this.faulted.has(name)) return;
    this.faulted.add(name);
    this.logger.error(`circuit breaker "${name}": its state store failed (${messageOf(fault, 300)}); calls go through unguarded until it answers`);
  }

  private outcomeOf(entry: Entry, end: CallEnd): CircuitOutcome {
    if (end.ok) return 'success';
    if (end.force) return 'failure';
    try {
      return entry.isFailure(end.error) ? 'failure' : 'neutral';
    } catch {
      // A predicate that throws cannot say the error is harmless.
      return 'failure';
    }
  }

  private explicitCall(name: string): BreakerCall {
    return this.entry(name).probes.shift()?.call ?? this.registry.unadmitted(name);
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new UnknownCircuitBreakerError(name);
    return entry;
  }
}
