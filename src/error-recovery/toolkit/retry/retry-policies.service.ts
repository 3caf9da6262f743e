import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { UnknownRetryPresetError } from '../../errors/unknown-retry-preset.error.js';
import { RecoveryEvents } from '../../events/recovery-events.js';
import type { RetryPolicyOptions, RetryPresetName } from './retry-options.interface.js';
import { RetryPolicy } from './retry-policy.js';
import type { RetryPolicyStats } from './retry-stats.js';
import { isRetryPresetName, RETRY_PRESET_NAMES } from './retry-presets.js';

/**
 * The app's named retry policies: the presets, and the ones configured in `retryPolicies` (a
 * configured name that is a preset's replaces it). Each name is one policy with one set of counters,
 * on the module's clock, reporting to `RecoveryEvents`.
 *
 * @example
 * ```ts
 * constructor(private readonly retries: RetryPolicies) {}
 * summarize(text: string) { return this.retries.get('ai_model').execute(() => this.model.complete(text)); }
 * ```
 */
@Injectable()
export class RetryPolicies implements OnModuleInit, OnApplicationShutdown {
  private static active: RetryPolicies | undefined;
  private readonly policies = new Map<string, RetryPolicy>();

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly events: RecoveryEvents,
  ) {
    // Already here, not only in onModuleInit: other providers' start-up hooks may run before ours.
    RetryPolicies.active = this;
  }

  /** The registry of the running app; `@Retry()` and `runInTransaction` report to it. */
  static current(): RetryPolicies | undefined {
    return RetryPolicies.active;
  }

  onModuleInit(): void {
    RetryPolicies.active = this;
  }

  /**
   * Stays the active registry until the very last hook: Nest runs the app's
   * `beforeApplicationShutdown` / `onApplicationShutdown` (draining work, maybe through `@Retry`)
   * after every `onModuleDestroy`.
   */
  onApplicationShutdown(): void {
    if (RetryPolicies.active === this) RetryPolicies.active = undefined;
  }

  /** Names `get()` accepts: the presets and the configured policies. */
  names(): string[] {
    return [...new Set([...RETRY_PRESET_NAMES, ...Object.keys(this.options.retryPolicies)])];
  }

  /**
   * The policy of this name: configured, else the preset.
   * @throws UnknownRetryPresetError when it is neither (the message lists the valid names).
   */
  get(name: RetryPresetName | (string & {})): RetryPolicy {
    const existing = this.policies.get(name);
    if (existing) return existing;
    const configured = Object.prototype.hasOwnProperty.call(this.options.retryPolicies, name) ? this.options.retryPolicies[name] : undefined;
    if (!configured && !isRetryPresetName(name)) throw new UnknownRetryPresetError(name, this.names());
    return this.create(name, configured ?? { preset: name as RetryPresetName });
  }

  /** The policy named `name`, created from `options` the first time (later calls get that one). */
  define(name: string, options: RetryPolicyOptions): RetryPolicy {
    return this.policies.get(name) ?? this.create(name, options);
  }

  /** Every policy used so far, with its counters, by name. */
  stats(): RetryPolicyStats[] {
    return [...this.policies.values()].map((policy) => policy.stats()).sort((a, b) => a.name.localeCompare(b.name));
  }

  private create(name: string, options: RetryPolicyOptions): RetryPolicy {
    const policy = new RetryPolicy({ ...options, name, clock: options.clock ?? this.options.clock }, this.events);
    this.policies.set(name, policy);
    return policy;
  }
}
