import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { messageOf } from '../common/error-text.js';
import { ModuleLogger } from '../common/log-line.js';
import { CircuitBreakerRegistry, type CircuitBreakerView } from '../state/circuit-breaker.registry.js';
import type { HealthCheckFunction, HealthCheckOptions, HealthCheckSource } from './health-check.interface.js';
import { HealthCheckRegistry } from './health-check.registry.js';
import type { HealthReport } from './health-report.interface.js';
import { healthReport, type RatedOutcome } from './health-status.js';
import { runHealthCheck } from './run-health-check.js';

const logger = new ModuleLogger();

/**
 * Runs the health checks — in the background every `health.intervalMs` and on demand — and keeps
 * the last report. A check that passes while its dependency's breaker is open half-opens that
 * breaker at once (health-driven recovery): the next calls are its probes instead of waiting for
 * the open timeout.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private last: HealthReport | undefined;
  private lastAt = -Infinity;
  private running: Promise<HealthReport> | undefined;
  private readonly stopped = new AbortController();

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly checks: HealthCheckRegistry,
    private readonly breakers: CircuitBreakerRegistry,
  ) {}

  /** Registers a check of one dependency; throws `DuplicateHealthCheckError` when the name is taken. */
  register(name: string, check: HealthCheckFunction, options?: HealthCheckOptions): void {
    this.checks.register(name, check, options);
  }

  /** Removes a check registered by name; false when there was none. */
  unregister(name: string): boolean {
    return this.checks.unregister(name);
  }

  /** Adds checks read before every run (the hook for a Redis connection's `ping()`). */
  addSource(source: HealthCheckSource): void {
    this.checks.addSource(source);
  }

  /**
   * The report: the last one when it is younger than `maxAgeMs` (default `health.maxAgeMs`; 0
   * runs the checks now), else a new run. Concurrent callers share one run. Never throws.
   */
  check(maxAgeMs = this.options.health.maxAgeMs): Promise<HealthReport> {
    if (this.last && this.options.clock.now() - this.lastAt < maxAgeMs) return Promise.resolve(this.last);
    this.running ??= this.runAll().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The last report, if any run finished yet. */
  lastReport(): HealthReport | undefined {
    return this.last;
  }

  onApplicationBootstrap(): void {
    if (this.options.health.enabled && this.options.health.intervalMs > 0) void this.loop();
  }

  onApplicationShutdown(): void {
    this.stopped.abort();
  }

  private async loop(): Promise<void> {
    const { clock, health } = this.options;
    while (!this.stopped.signal.aborted) {
      const before = clock.now();
      try {
        await clock.sleep(health.intervalMs, this.stopped.signal, { unref: true });
      } catch {
        return; // stopped at shutdown
      }
      // A test clock whose sleep returns at once without moving time would spin this loop (and
      // pile up queries): with such a clock the checks run on demand only. Half the interval
      // tolerates a wall clock stepped back a little.
      if (clock.now() - before < health.intervalMs / 2) return;
      await this.check(0);
    }
  }

  private async runAll(): Promise<HealthReport> {
    const { clock, health } = this.options;
    try {
      const definitions = this.checks.all();
      const outcomes: RatedOutcome[] = await Promise.all(
        definitions.map(async (d) => ({
          ...(await runHealthCheck(d, d.timeoutMs ?? health.timeoutMs, clock, health.maxErrorLength)),
          critical: d.critical === true,
          ...(d.breaker === undefined ? {} : { breaker: d.breaker }),
        })),
      );
      for (const o of outcomes) {
        if (o.ok && o.breaker !== undefined) this.halfOpen(o.breaker);
      }
      this.last = healthReport(outcomes, this.breakerViews(), clock.now());
    } catch (fault) {
      // A fault of the module (a source that throws) must not fail the caller: the last report stands.
      logger.error(`health checks could not run (the last report stands): ${messageOf(fault, 500)}`);
      this.last ??= healthReport([], this.breakerViews(), clock.now());
    }
    this.lastAt = clock.now();
    return this.last;
  }

  /** Health-driven recovery; a breaker store that fails leaves the breaker as it is (said by {@link breakerViews}). */
  private halfOpen(breaker: string): void {
    try {
      this.breakers.toHalfOpen(breaker, 'health_check');
    } catch {
      // The report still comes: the checks' outcomes do not depend on the breakers.
    }
  }

  /** The breakers for the report; none when their store fails (the checks are still reported). */
  private breakerViews(): CircuitBreakerView[] {
    try {
      return this.breakers.list();
    } catch (fault) {
      logger.error(`health report without circuit breakers: their state store failed (${messageOf(fault, 300)})`);
      return [];
    }
  }
}
