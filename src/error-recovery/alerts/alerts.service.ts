import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import { ModuleLogger } from '../common/log-line.js';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import {
  RecoveryEvents,
  type CircuitEvent,
  type DeadLetterExhaustedEvent,
  type ErrorCapturedEvent,
  type ErrorsDroppedEvent,
  type InitializationFailedEvent,
  type ThrottleRejectedEvent,
} from '../events/recovery-events.js';
import type { Alert } from './alert.interface.js';
import { AlertQueue } from './alert-queue.js';
import { AlertRouter } from './alert-router.js';
import { ERROR_RECOVERY_API_PATH } from './alerts.constants.js';
import { errorAlert } from './error-alert.js';
import { circuitAlert, deadLetterExhaustedAlert, deadLetterQueueHighAlert, errorsDroppedAlert, initializationFailedAlert, rateLimitAlert, recoveryFailingAlert, type EventOrigin } from './event-alerts.js';
import { newOutboxRow } from './outbox/alert-outbox.rows.js';
import { StrategyFailureStreaks } from './strategy-failure-streaks.js';

/** Attempts of an alert sent directly because the outbox itself is unreachable. */
const DIRECT_ATTEMPTS = 5;

/**
 * Turns the module's events into alerts: it decides the escalation and the routes, and hands the
 * alert to the queue. It subscribes in its constructor so it hears start-up failures too. Nothing
 * here waits for a channel; only the start-up failure of the store itself, which the outbox lives
 * in, is sent directly (in the background, with a few retries).
 */
@Injectable()
export class AlertsService {
  private readonly logger = new ModuleLogger();
  private readonly streaks: StrategyFailureStreaks;

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    @Inject(ERROR_RECOVERY_API_PATH) private readonly apiPath: string | null,
    private readonly router: AlertRouter,
    private readonly queue: AlertQueue,
    events: RecoveryEvents,
  ) {
    this.streaks = new StrategyFailureStreaks(options.alerts.escalation.strategyFailureThreshold);
    if (!router.active) return;
    events.on('error.captured', (e) => this.onError(e));
    events.on('circuit.opened', (e) => this.onCircuit(e));
    events.on('circuit.closed', (e) => this.onCircuit(e));
    events.on('throttle.rejected', (e) => this.onThrottle(e));
    events.on('initialization.failed', (e) => this.onInitializationFailed(e));
    events.on('errors.dropped', (e) => this.onErrorsDropped(e));
    events.on('dead_letter.exhausted', (e) => this.onDeadLetterExhausted(e));
    events.on('dead_letter.queue_high', (e) => this.add(deadLetterQueueHighAlert(e, this.origin()), 'dead_letter_queue_high', true));
  }

  private origin(service = this.options.service): EventOrigin {
    return { service, environment: this.options.environment, now: this.options.clock.now() };
  }

  private onError({ record, actions, report }: ErrorCapturedEvent): void {
    const escalation = record.severity === 'critical' && !report.success ? 'critical error not recovered' : null;
    const alert = errorAlert(record, report, actions, { baseUrl: this.options.alerts.baseUrl, apiPath: this.apiPath }, escalation);
    const subject = `error:${record.fingerprint}${escalation ? ':escalated' : ''}`;
    this.queue.add(
      {
        alert,
        routes: this.router.route(alert),
        dedupKey: this.router.key(record.service, subject),
        summarize: true,
        burstKey: this.router.key(record.service, `fp:${record.fingerprint}`),
        // "Recovered by retry" must not hide that the same bug now fails for real.
        state: !report.attempted ? 'not_attempted' : report.success ? 'recovered' : 'not_recovered',
      },
      record.occurredAt.getTime(),
    );
    const automatic = actions.filter((a) => a.trigger === 'automatic');
    for (const streak of this.streaks.record(automatic)) {
      this.add(recoveryFailingAlert(streak.strategy, streak.count, streak.lastMessage, this.origin(record.service)), `recovery_failing:${streak.strategy}`, false);
    }
  }

  private onCircuit(event: CircuitEvent): void {
    // One key per breaker, its state announced: opened, closed, opened again are each told (a few
    // per window), so a [RESOLVED] is never the last word while the breaker is open.
    this.add(circuitAlert(event, this.origin()), `circuit:${event.name}`, true, event.to);
  }

  private onThrottle(event: ThrottleRejectedEvent): void {
    this.add(rateLimitAlert(`${event.route}${event.scope === 'client' ? ' (per client)' : ''}`, event.retryAfterMs, this.origin()), `rate_limit:${event.scope}:${event.route}`, true);
  }

  private onInitializationFailed(event: InitializationFailedEvent): void {
    const alert = initializationFailedAlert(event.component, event.reason, this.origin());
    if (event.component !== 'error_store') {
      this.add(alert, `initialization_failed:${event.component}`, false);
      return;
    }
    // The outbox is in that store: send directly, and record what happened once the store is back.
    this.sendDirectly(alert).catch((error: unknown) => this.logger.error(`initialization_failed alert not sent: ${String(error)}`));
  }

  private onErrorsDropped(event: ErrorsDroppedEvent): void {
    const alert = errorsDroppedAlert(event.reason, event.count, this.origin());
    if (event.reason !== 'journal_full' && event.reason !== 'queue_full') {
      this.add(alert, `errors_dropped:${event.reason}`, true);
      return;
    }
    // The journal (or, without one, the queue) fills only while the store, where the outbox lives,
    // is down or far behind: an alert queued there would wait for the store. Send directly.
    this.sendDirectly(alert).catch((error: unknown) => this.logger.error(`errors_dropped alert not sent: ${String(error)}`));
  }

  private onDeadLetterExhausted(event: DeadLetterExhaustedEvent): void {
    // One key per operation: a handler that fails every item is one alert and a count, not one per item.
    this.add(deadLetterExhaustedAlert(event, this.origin(event.service)), `dead_letter_exhausted:${event.operation}`, true);
  }

  private add(alert: Alert, subject: string, summarize: boolean, state?: string): void {
    const routes = this.router.route(alert);
    if (routes.length === 0) return;
    this.queue.add({ alert, routes, dedupKey: this.router.key(alert.service, subject), summarize, state }, this.options.clock.now());
  }

  private async sendDirectly(alert: Alert): Promise<void> {
    const rows = this.router.route(alert).map((r) => newOutboxRow(randomUUID(), alert, r.channel, r.recipients, null, new Date(this.options.clock.now())));
    await Promise.all(
      rows.map(async (row) => {
        const channel = this.router.channels.get(row.channel)!;
        for (let attempt = 1; attempt <= DIRECT_ATTEMPTS; attempt++) {
          row.attempts = attempt;
          try {
            await channel.send({ id: row.id, alert, recipients: row.recipients, attempt });
            row.status = 'sent';
            row.sentAt = new Date(this.options.clock.now());
            return;
          } catch (error) {
            row.lastError = messageOf(error, 500);
            if (attempt < DIRECT_ATTEMPTS) await this.options.clock.sleep(1000 * 2 ** (attempt - 1)).catch(() => undefined);
          }
        }
        row.status = 'exhausted';
        this.logger.error(`initialization_failed alert via ${row.channel} could not be sent: ${row.lastError}`);
      }),
    );
    this.queue.record(rows.map((r) => ({ ...r, updatedAt: new Date(this.options.clock.now()) })));
  }
}
