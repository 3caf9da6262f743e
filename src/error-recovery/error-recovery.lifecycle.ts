import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { AlertDeliveryWorker } from './alerts/alert-delivery.worker.js';
import { AlertQueue } from './alerts/alert-queue.js';
import { ALERT_CHANNELS, ALERT_OUTBOX_STORE } from './alerts/alerts.constants.js';
import type { AlertChannel } from './alerts/channels/alert-channel.interface.js';
import type { AlertOutboxStore } from './alerts/outbox/alert-outbox-store.interface.js';
import { DEAD_LETTER_STORE, ERROR_RECOVERY_OPTIONS } from './error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from './error-recovery-options.js';
import { ErrorLogWriter } from './persistence/error-log.writer.js';
import { DeadLetterWriter } from './dead-letters/dead-letter.writer.js';
import type { DeadLetterStore } from './dead-letters/dead-letter-store.interface.js';
import { settlesWithin } from './resilience/settles-within.js';
import { BackgroundRunner } from './contexts/background-runner.js';

/**
 * The module's shutdown, in order. Nest runs the hooks of one module's providers concurrently, and
 * the error log and the alert outbox share one database connection: it must close only after both
 * were drained, so one provider sequences it.
 */
@Injectable()
export class ErrorRecoveryLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly writer: ErrorLogWriter,
    private readonly alerts: AlertQueue,
    private readonly worker: AlertDeliveryWorker,
    @Inject(ALERT_OUTBOX_STORE) private readonly outbox: AlertOutboxStore,
    @Inject(ALERT_CHANNELS) private readonly channels: AlertChannel[],
    private readonly deadLetters: DeadLetterWriter,
    @Inject(DEAD_LETTER_STORE) private readonly deadLetterStore: DeadLetterStore,
    private readonly runner: BackgroundRunner,
  ) {}

  /** First drain: before the HTTP server stops taking requests. */
  async beforeApplicationShutdown(): Promise<void> {
    const ms = this.options.writer.shutdownTimeoutMs;
    await Promise.all([this.writer.flush(ms), this.alerts.flush(ms)]);
  }

  /**
   * Last drain: requests in flight while the server closed may have captured errors (and queued
   * alerts) after the first; background work waiting for a retry ends with the failure it has. Then
   * the worker stops (a delivery in flight may finish), and the connections close. Rows a stopped
   * worker had claimed are claimed again after their lease.
   */
  async onApplicationShutdown(): Promise<void> {
    const ms = this.options.writer.shutdownTimeoutMs;
    // Servers are closed: retries waiting for their backoff give up now, while rows and dead letters can still be stored.
    await this.runner.stop(ms);
    await this.writer.flush(ms);
    await this.alerts.flush(ms);
    this.alerts.close();
    await this.worker.stop(ms);
    await Promise.all(this.channels.map((c) => c.close?.().catch(() => undefined)));
    await this.deadLetters.drain(ms);
    this.deadLetters.close();
    await this.writer.finalDrain();
    await settlesWithin(this.outbox.close(), ms);
    await settlesWithin(this.deadLetterStore.close(), ms);
  }
}
