import { messageOf } from '../../common/error-text.js';
import { isThenable } from '../../common/safe-read.js';
import { scrubString } from '../../common/scrub.js';
import type { RecoveryEventMap } from '../../events/recovery-events.js';
import { systemClock, type Clock } from '../../resilience/clock.js';
import { nextRetry, type RetryDecision, type RetryGiveUpReason, type RetrySchedule } from '../../resilience/retry-schedule.js';
import { retryAfterMsOf } from '../../resilience/retryable-error.js';
import type {
  ResolvedRetryPolicyOptions, RetryAttemptContext, RetryExecuteOptions, RetryPolicyOptions, RetryPresetName,
} from './retry-options.interface.js';
import { resolveRetryPolicy, retryTransient } from './retry-presets.js';
import { RetryCounters, type RetryPolicyStats } from './retry-stats.js';

/** Where a policy sends its events: the module's `RecoveryEvents`, or nothing standalone. */
export interface RetryEventSink {
  emit<K extends 'retry.attempt' | 'retry.gave_up'>(event: K, payload: RecoveryEventMap[K]): void;
}

interface Run {
  startedAt: number;
  options: RetryExecuteOptions;
}

/**
 * Runs an operation again when it fails with a retryable error: up to `maxAttempts`, waiting the
 * backoff (or the error's Retry-After) between attempts, never past the deadline, stopping at once
 * when the signal aborts. The last error is rethrown as is. Nothing happens on the success path but
 * a few counters.
 *
 * @example
 * ```ts
 * const policy = new RetryPolicy('external_api');
 * const rates = await policy.execute(({ signal }) => fetch(url, { signal }).then(ok));
 * ```
 */
export class RetryPolicy {
  /** The settings in force, every default applied. */
  readonly settings: ResolvedRetryPolicyOptions;
  private readonly schedule: RetrySchedule;
  /** Synchronous calls retry at once: never block the event loop with a wait. */
  private readonly immediate: RetrySchedule;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly counters = new RetryCounters();

  /**
   * @param init a preset name or options (see {@link RetryPolicyOptions}).
   * @param events where retries and give-ups are reported; the module's policies report to `RecoveryEvents`.
   * @throws UnknownRetryPresetError for an unknown preset name.
   */
  constructor(init: RetryPolicyOptions | RetryPresetName = {}, private readonly events?: RetryEventSink) {
    this.settings = resolveRetryPolicy(init);
    const options = typeof init === 'string' ? {} : init;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    const { maxAttempts, deadlineMs } = this.settings;
    const backoff = { kind: this.settings.backoff, baseMs: this.settings.baseDelayMs, maxMs: this.settings.maxDelayMs, jitter: this.settings.jitter };
    this.schedule = { maxAttempts, deadlineMs, backoff };
    this.immediate = { maxAttempts, deadlineMs, backoff: { ...backoff, baseMs: 0, maxMs: 0 } };
  }

  /** The policy's name, as its statistics and events carry it. */
  get name(): string {
    return this.settings.name;
  }

  /** Runs `fn` until it succeeds or the policy gives up; resolves with its value or rejects with its last error. */
  execute<T>(fn: (context: RetryAttemptContext) => T | PromiseLike<T>, options: RetryExecuteOptions = {}): Promise<T> {
    return this.loop(fn, this.start(options), 1);
  }

  /**
   * Runs `fn` as `@Retry()` does: while it throws synchronously it is retried at once (no wait, so
   * the event loop is never blocked); once it returns a promise, the rest is asynchronous with the
   * policy's waits. A synchronous method therefore stays synchronous.
   */
  call<T>(fn: () => T): T {
    const run = this.start({});
    for (let attempt = 1; ; attempt++) {
      let result: T;
      try {
        this.counters.attempts++;
        result = fn();
      } catch (error) {
        const decision = this.decide(error, attempt, run, false);
        if (decision.kind === 'give_up') throw this.gaveUp(error, attempt, decision.reason);
        this.retrying(error, attempt, 0);
        continue;
      }
      if (isThenable(result)) return this.loop(fn as () => PromiseLike<unknown>, run, attempt, result) as T;
      this.counters.successes++;
      return result;
    }
  }

  /** The counters since the policy was created. */
  stats(): RetryPolicyStats {
    return this.counters.snapshot(this.name);
  }

  private start(options: RetryExecuteOptions): Run {
    this.counters.executions++;
    return { startedAt: this.clock.now(), options };
  }

  /** Attempts from `first` on; `pending` is the first one's result when it already ran. */
  private async loop<T>(fn: (context: RetryAttemptContext) => T | PromiseLike<T>, run: Run, first: number, pending?: PromiseLike<T>): Promise<T> {
    const { signal } = run.options;
    for (let attempt = first; ; attempt++) {
      if (signal?.aborted) throw this.gaveUp(undefined, attempt - 1, 'aborted', signal.reason);
      try {
        let result: T | PromiseLike<T>;
        if (attempt === first && pending) result = pending;
        else {
          this.counters.attempts++;
          result = fn({ attempt, signal });
        }
        const value = await result;
        this.counters.successes++;
        return value;
      } catch (error) {
        if (signal?.aborted) throw this.gaveUp(error, attempt, 'aborted', signal.reason);
        const decision = this.decide(error, attempt, run, true);
        if (decision.kind === 'give_up') throw this.gaveUp(error, attempt, decision.reason);
        this.retrying(error, attempt, decision.delayMs);
        await this.wait(decision.delayMs, signal, error, attempt);
      }
    }
  }

  /** The wait before the next attempt. Abort ends it with the signal's reason; a failing clock just ends it. */
  private async wait(delayMs: number, signal: AbortSignal | undefined, error: unknown, attempt: number): Promise<void> {
    try {
      await this.clock.sleep(delayMs, signal);
    } catch (reason) {
      if (signal?.aborted) throw this.gaveUp(error, attempt, 'aborted', signal.reason);
      // A broken clock must not turn into a different error: the attempt runs without the wait.
      void reason;
    }
  }

  private decide(error: unknown, attempt: number, run: Run, waits: boolean): RetryDecision {
    const predicate = run.options.retryOn ?? this.settings.retryOn ?? retryTransient;
    let retryable: boolean;
    try {
      retryable = predicate(error, attempt) === true;
    } catch {
      // A predicate that throws cannot vouch for a retry.
      retryable = false;
    }
    const now = this.clock.now();
    const retryAfterMs = waits && this.settings.honorRetryAfter ? retryAfterMsOf(error, now) : undefined;
    return nextRetry({ attempt, retryable, elapsedMs: now - run.startedAt, retryAfterMs }, waits ? this.schedule : this.immediate, this.random);
  }

  private retrying(error: unknown, attempt: number, delayMs: number): void {
    this.counters.retries++;
    this.emit('retry.attempt', { policy: this.name, attempt, delayMs, error: describe(error) });
  }

  /** Counts the give-up and returns what to throw: `thrown` when given, else the last error. */
  private gaveUp(error: unknown, attempts: number, reason: RetryGiveUpReason, ...thrown: [unknown?]): unknown {
    this.counters.gaveUp(reason);
    this.emit('retry.gave_up', { policy: this.name, attempts, reason, error: describe(error) });
    return thrown.length > 0 ? thrown[0] : error;
  }

  private emit<K extends 'retry.attempt' | 'retry.gave_up'>(event: K, payload: RecoveryEventMap[K]): void {
    try {
      this.events?.emit(event, payload);
    } catch {
      // Reporting never changes the outcome of the call.
    }
  }
}

const describe = (error: unknown): string => (error === undefined ? '' : scrubString(messageOf(error, 500)));
