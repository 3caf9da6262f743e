import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import { messageOf } from '../common/error-text.js';
import { backoffDelay } from '../resilience/backoff.js';
import { settlesWithin } from '../resilience/settles-within.js';
import { AlertQueue } from './alert-queue.js';
import { AlertRouter } from './alert-router.js';
import { ALERT_OUTBOX_STORE, ALERT_WORKER_INTERVAL } from './alerts.constants.js';
import { foldedDigest, suppressedDigest } from './digest-alerts.js';
import { planEmailDelivery } from './email-delivery.plan.js';
import type { OutboxRow } from './outbox/alert-candidate.js';
import { newOutboxRow } from './outbox/alert-outbox.rows.js';
import { oneLine } from './templates/escape.js';
import type { AlertOutboxStore, DueDigest } from './outbox/alert-outbox-store.interface.js';

/** How often finished deliveries and stale dedup state are purged, ms. */
const PURGE_EVERY_MS = 3_600_000;
/** Dedup and burst state is kept at least this long after its last use, ms. */
const STATE_KEPT_MS = 86_400_000;

/** Rows claimed per channel group and round. */
const BATCH = 50;
const EMAIL_BATCH = 200;

/** Counters of the worker, exposed by `GET /api/errors/stats`. */
export interface AlertWorkerStats {
  worker: string;
  sent: number;
  failed: number;
  exhausted: number;
  /** Sends with no answer by the deadline (`leaseMs / 2`); their rows stay claimed until the lease ends. */
  unanswered: number;
  folded: number;
  digests: number;
  purged: number;
  /** Delivered, but the `sent` mark is not written yet (retried each round). */
  unmarked: number;
  /** Sends under way. */
  inFlight: number;
  lastError: string | null;
}

const describe = (error: unknown): string => oneLine(messageOf(error, 500), 500);

/**
 * Delivers the outbox: on every poll of its `@nestjs/schedule` interval (and right after alerts were
 * queued) it queues due digests, claims due rows with FOR UPDATE SKIP LOCKED — so instances sharing
 * the database never send one row twice — sends each through its channel, and marks it sent, or
 * failed with a backoff, or exhausted. E-mails respect the per-minute cap; the excess is folded.
 */
@Injectable()
export class AlertDeliveryWorker implements OnApplicationBootstrap {
  private readonly logger = new ModuleLogger();
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Rounds run one after the other on this chain. */
  private chain: Promise<void> = Promise.resolve();
  private kicked = false;
  private stopped = false;
  private connected = false;
  /** Rows delivered whose `sent` mark could not be written yet: retried first, never re-sent. */
  private unmarked: string[] = [];
  private readonly counters = { sent: 0, failed: 0, exhausted: 0, unanswered: 0, folded: 0, digests: 0, purged: 0 };
  /** Deliveries whose outcome is not recorded yet (also those past the deadline). */
  private readonly inFlight = new Set<Promise<void>>();
  private lastPurge = Number.NEGATIVE_INFINITY;
  private failedRounds = 0;
  private lastError: string | null = null;

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    @Inject(ALERT_OUTBOX_STORE) private readonly store: AlertOutboxStore,
    private readonly router: AlertRouter,
    private readonly events: RecoveryEvents,
    queue: AlertQueue,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {
    queue.onQueued = () => this.kick();
  }

  onApplicationBootstrap(): void {
    if (!this.router.active) return;
    const interval = setInterval(() => this.kick(), this.options.alerts.pollIntervalMs);
    interval.unref();
    if (this.scheduler && !this.scheduler.doesExist('interval', ALERT_WORKER_INTERVAL)) this.scheduler.addInterval(ALERT_WORKER_INTERVAL, interval);
    else this.ownInterval = interval;
    for (const channel of this.router.channels.values()) {
      if (!channel.verify) continue;
      channel.verify().catch((error: unknown) => {
        this.logger.error(`initialization_failed: alert channel ${channel.name} unreachable (${describe(error)}); its alerts wait in the outbox`);
        this.events.emit('initialization.failed', { component: channel.name === 'email' ? 'smtp' : channel.name, reason: describe(error) });
      });
    }
    this.kick();
  }

  private ownInterval: NodeJS.Timeout | undefined;

  /** Runs a round soon, unless one is already waiting to run. */
  kick(): void {
    if (this.stopped || this.kicked) return;
    this.kicked = true;
    // On the next turn of the event loop: chained rounds must leave timers and sockets their turn.
    setImmediate(() => void this.tick());
  }

  /**
   * Runs one round after the rounds already under way (rounds never overlap) and resolves when it
   * is done. Public for tests that drive the worker with fake time. Never rejects.
   */
  tick(): Promise<void> {
    const run = this.chain.then(() => {
      this.kicked = false;
      return this.round();
    });
    this.chain = run;
    return run;
  }

  private async round(): Promise<void> {
    // A round kicked just before shutdown must not open the database again after it was closed.
    if (this.stopped) return;
    let more = false;
    try {
      if (!this.connected) {
        await this.store.connect();
        this.connected = true;
      }
      const now = new Date(this.options.clock.now());
      await this.retryMarks(now);
      if (this.stopped) return;
      this.counters.digests += await this.store.takeDueDigests(now, this.options.alerts.dedupWindowMs, 100, (due) => this.digestRows(due, now));
      const request = { now, limit: BATCH, leaseMs: this.options.alerts.leaseMs, worker: this.id };
      const others = [...this.router.channels.keys()].filter((c) => c !== 'email');
      const claimed = await this.store.claim(request, others);
      const emails = this.router.channels.has('email')
        ? await this.store.claimEmails({ ...request, limit: EMAIL_BATCH }, this.options.alerts.maxEmailsPerMinute)
        : { rows: [], capacity: 0, nextFreeAt: null };
      const plan = planEmailDelivery(sortBySeverity(emails.rows), emails.capacity);
      if (plan.fold.size > 0) await this.fold(plan.fold, now);
      if (plan.defer.length > 0) {
        const at = emails.nextFreeAt && emails.nextFreeAt > now ? emails.nextFreeAt : new Date(now.getTime() + 1000);
        await this.store.release(plan.defer.map((r) => r.id), this.id, at);
      }
      await Promise.all([...claimed, ...plan.send].map((row) => this.deliver(row)));
      await this.purge(now);
      // Another round at once only while full batches were worked off; otherwise the next poll.
      more = claimed.length === BATCH || (emails.rows.length === EMAIL_BATCH && plan.send.length > 0);
      if (this.failedRounds > 0) this.logger.log('alert delivery works again');
      this.failedRounds = 0;
      this.lastError = null;
    } catch (error) {
      this.connected = false;
      this.lastError = describe(error);
      // Once, then every 60th round: a database that is down must not flood the log every poll.
      if (this.failedRounds++ % 60 === 0) this.logger.warn(`alert delivery round failed, will retry: ${this.lastError}`);
    }
    if (more) this.kick();
  }

  /** Stops polling and waits (at most `timeoutMs`) for the round in flight. */
  /**
   * Stops polling and claiming, then waits (at most `timeoutMs`) for the round in flight and for
   * sends still under way, and records what they did while the database is still open. A send
   * still running after that keeps its row claimed; another instance sends it after the lease.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    if (this.scheduler?.doesExist('interval', ALERT_WORKER_INTERVAL)) this.scheduler.deleteInterval(ALERT_WORKER_INTERVAL);
    if (this.ownInterval) clearInterval(this.ownInterval);
    const deadline = Date.now() + timeoutMs;
    await settlesWithin(this.chain, timeoutMs);
    await settlesWithin(Promise.all([...this.inFlight]), Math.max(0, deadline - Date.now()));
    await settlesWithin(this.retryMarks(new Date(this.options.clock.now())).catch(() => undefined), Math.max(0, deadline - Date.now()));
  }

  stats(): AlertWorkerStats {
    return { worker: this.id, ...this.counters, unmarked: this.unmarked.length, inFlight: this.inFlight.size, lastError: this.lastError };
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const channel = this.router.channels.get(row.channel);
    if (!channel) {
      await this.store.markFailed(row.id, this.id, row.attempts, new Date(this.options.clock.now()), `channel "${row.channel}" is not configured`, null);
      this.counters.exhausted++;
      return;
    }
    const sending = channel.send({ id: row.id, alert: row.alert, recipients: row.recipients, attempt: row.attempts });
    const done = sending.then(
      () => this.sent(row),
      (error: unknown) => this.failed(row, describe(error)),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    const deadlineMs = this.options.alerts.leaseMs / 2;
    if (await settlesWithin(done, deadlineMs)) return;
    // No answer yet: the outcome is unknown, so the row stays claimed. If the send still ends before
    // the lease, it is marked then; otherwise the row is claimed again after the lease (at most one repeat).
    this.counters.unanswered++;
    this.logger.warn(`alert ${row.id} via ${row.channel}: no answer within ${deadlineMs} ms; left claimed until its lease ends`);
  }

  private async sent(row: OutboxRow): Promise<void> {
    this.counters.sent++;
    try {
      await this.store.markSent(row.id, new Date(this.options.clock.now()));
    } catch {
      this.unmarked.push(row.id);
    }
  }

  private async failed(row: OutboxRow, reason: string): Promise<void> {
    const now = this.options.clock.now();
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.options.alerts;
    const retryAt = row.attempts >= maxAttempts ? null : new Date(now + backoffDelay(row.attempts, { kind: 'exponential', baseMs: retryBaseMs, maxMs: retryMaxMs, jitter: false }));
    if (retryAt) this.counters.failed++;
    else this.counters.exhausted++;
    if (row.attempts === 1 || !retryAt) this.logger.warn(`alert ${row.id} via ${row.channel} failed (attempt ${row.attempts}${retryAt ? '' : ', giving up'}): ${reason}`);
    try {
      await this.store.markFailed(row.id, this.id, row.attempts, new Date(now), reason, retryAt);
    } catch {
      // The row stays claimed and is tried again after its lease.
    }
  }

  private async retryMarks(now: Date): Promise<void> {
    while (this.unmarked.length > 0) {
      await this.store.markSent(this.unmarked[0], now);
      this.unmarked.shift();
    }
  }

  private async purge(now: Date): Promise<void> {
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    const { retentionMs, dedupWindowMs, escalation } = this.options.alerts;
    const stateKept = Math.max(STATE_KEPT_MS, dedupWindowMs, escalation.repeatWindowMinutes * 60_000);
    this.counters.purged += await this.store.purge(new Date(now.getTime() - retentionMs), new Date(now.getTime() - stateKept));
  }

  private digestRows(due: DueDigest, now: Date): OutboxRow[] {
    const alert = suppressedDigest(due.template.alert, due.count, due.since, now);
    return due.template.routes
      .filter((r) => this.router.channels.has(r.channel))
      .map((r) => newOutboxRow(randomUUID(), alert, r.channel, r.recipients, due.key, now));
  }

  private async fold(groups: Map<string, OutboxRow[]>, now: Date): Promise<void> {
    const folded = new Map<string, string>();
    const digests: OutboxRow[] = [];
    for (const rows of groups.values()) {
      const digest = newOutboxRow(randomUUID(), foldedDigest(rows, now, this.options.service, this.options.environment), 'email', rows[0].recipients, null, now);
      digests.push(digest);
      for (const row of rows) folded.set(row.id, digest.id);
    }
    await this.store.fold(folded, digests, this.id, now);
    this.counters.folded += folded.size;
  }
}

const RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const sortBySeverity = (rows: OutboxRow[]): OutboxRow[] =>
  [...rows].sort((a, b) => (RANK[a.severity] ?? 4) - (RANK[b.severity] ?? 4) || a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
