import { EventEmitter } from 'node:events';
import { Injectable, Optional } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import { ModuleLogger } from '../common/log-line.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import type { RecoveryReport } from '../execute/recovery-report.js';
import type { ErrorLogRecord, RecoveryActionRecord } from '../persistence/error-log.record.js';
import type { CircuitState } from '../resilience/circuit-state.js';
import type { RetryGiveUpReason } from '../resilience/retry-schedule.js';

/** A breaker changed state. */
export interface CircuitEvent {
  name: string;
  from: CircuitState['kind'];
  to: CircuitState['kind'];
  state: CircuitState;
  /**
   * Why: `threshold` (consecutive failures), `failure_rate`, `probe_failed`, `probe_succeeded`,
   * `timeout_elapsed` (open → half-open), `health_check` (open → half-open: a health check of the
   * dependency passed), `reset`, `manual` (`CircuitBreakerRegistry.open`).
   */
  reason: string;
}

/** An error was captured (and recovery of it ran); the row is on its way to the store. */
export interface ErrorCapturedEvent {
  record: ErrorLogRecord;
  /** The actions as stored (scrubbed). */
  actions: RecoveryActionRecord[];
  report: RecoveryReport;
}

/** A request throttle refused a request. */
export interface ThrottleRejectedEvent {
  route: string;
  scope: 'route' | 'client';
  retryAfterMs: number;
}

/** A part of the module could not start (its store, the SMTP server); it keeps retrying. */
export interface InitializationFailedEvent {
  component: 'error_store' | 'smtp' | (string & {});
  reason: string;
}

/** The error-log writer could not keep captured errors (they are counted in its stats). */
export interface ErrorsDroppedEvent {
  /** A `DropReason` of the writer: `journal_full`, `queue_full`, `shutdown_timeout`… */
  reason: string;
  /** Errors dropped for this reason since the last event about it. */
  count: number;
}

/** A retry policy is about to wait and run its operation again. */
export interface RetryAttemptEvent {
  /** The policy's name (a preset, a configured policy, or `Class.method` of a `@Retry()`). */
  policy: string;
  /** The attempt that failed, 1-based; the next one is `attempt + 1`. */
  attempt: number;
  /** The wait before the next attempt, ms (0 for a synchronous method). */
  delayMs: number;
  /** The failed attempt's error message, scrubbed and capped at 500 characters. */
  error: string;
}

/** A retry policy let an error through: no further attempt. */
export interface RetryGaveUpEvent {
  policy: string;
  /** Attempts made in all. */
  attempts: number;
  /** `not_retryable`, `attempts_exhausted`, `deadline` (the next wait would end past it) or `aborted`. */
  reason: RetryGiveUpReason;
  /** The last error's message, scrubbed and capped at 500 characters. */
  error: string;
}

/** A fallback chain answered from a tier below its first (`fallback.degraded`) or not at all (`fallback.exhausted`). */
export interface FallbackEvent {
  chain: string;
  /** The tier that answered (2 for the second provider…, providers + 1 for the static answer); null when none did. */
  tier: number | null;
  /** The provider that answered (`static` for the static answer); null when none did. */
  provider: string | null;
  /** Why each tier before it did not answer: `open` (skipped), `timeout` or `error`, with the scrubbed message. */
  failures: { provider: string; reason: 'open' | 'timeout' | 'error'; message: string }[];
}

/** A dead-letter item used every run it was allowed; it stays `exhausted` until an operator retries or discards it. */
export interface DeadLetterExhaustedEvent {
  id: string;
  service: string;
  operation: string;
  handler: string;
  attempts: number;
  /** The last failure, scrubbed. */
  errorMessage: string;
}

/** Pending + retrying dead-letter items reached `deadLetters.alertThreshold` (told again only after falling below). */
export interface DeadLetterQueueHighEvent {
  current: number;
  threshold: number;
}

/** Crash recovery of the dead-letter queue at start-up: items left `retrying` by a dead process, reclaimed. */
export interface DeadLetterRecoveredEvent {
  /** Back to `pending`. */
  reclaimed: number;
  /** Their crashed run was their last: now `exhausted`. */
  exhausted: number;
  /** Pending items after the reclaim (across every instance). */
  pending: number;
}

/** Every event the module emits, by name. */
export interface RecoveryEventMap {
  'circuit.opened': CircuitEvent;
  'circuit.half_open': CircuitEvent;
  'circuit.closed': CircuitEvent;
  'error.captured': ErrorCapturedEvent;
  'throttle.rejected': ThrottleRejectedEvent;
  'initialization.failed': InitializationFailedEvent;
  'errors.dropped': ErrorsDroppedEvent;
  'retry.attempt': RetryAttemptEvent;
  'retry.gave_up': RetryGaveUpEvent;
  'fallback.degraded': FallbackEvent;
  'fallback.exhausted': FallbackEvent;
  'dead_letter.exhausted': DeadLetterExhaustedEvent;
  'dead_letter.queue_high': DeadLetterQueueHighEvent;
  'dead_letter.recovered': DeadLetterRecoveredEvent;
}

/**
 * Typed events of the recovery core. Alerts and metrics subscribe here instead of being called
 * inline; a listener that throws is logged and never reaches the code that emitted.
 */
@Injectable()
export class RecoveryEvents {
  private readonly logger = new ModuleLogger();
  private readonly emitter = new EventEmitter();

  constructor(@Optional() private readonly stats?: ErrorRecoveryStats) {}

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof RecoveryEventMap>(event: K, listener: (payload: RecoveryEventMap[K]) => void): () => void {
    const safe = (payload: RecoveryEventMap[K]): void => {
      try {
        listener(payload);
      } catch (error) {
        // A listener (alerts, metrics) never reaches the code that emitted; its fault is counted.
        if (this.stats) this.stats.fault('listener', error);
        else this.logger.error(`listener of ${event} failed: ${messageOf(error, 500)}`);
      }
    };
    this.emitter.on(event, safe);
    return () => this.emitter.off(event, safe);
  }

  emit<K extends keyof RecoveryEventMap>(event: K, payload: RecoveryEventMap[K]): void {
    this.emitter.emit(event, payload);
  }
}
