import { Inject, Injectable } from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { messageOf } from '../common/error-text.js';
import { backoffDelay } from '../resilience/backoff.js';
import { settlesWithin } from '../resilience/settles-within.js';
import type { Alert } from './alert.interface.js';
import { AlertRouter } from './alert-router.js';
import { ALERT_OUTBOX_STORE } from './alerts.constants.js';
import { repeatedErrorAlert } from './error-alert.js';
import { MAX_BURST_TIMES, type AlertCandidate, type OutboxRow, type PendingCandidate } from './outbox/alert-candidate.js';
import type { AlertOutboxStore, EnqueueResult } from './outbox/alert-outbox-store.interface.js';
import { isRowError } from '../persistence/row-error.js';

/** Distinct keys waiting in memory at most; beyond, occurrences are dropped and counted. */
const MAX_PENDING_KEYS = 10_000;
const FLUSH_DELAY_MS = 50;

/** Counters of the queue, exposed by `GET /api/errors/stats`. */
export interface AlertQueueStats {
  pendingKeys: number;
  queued: number;
  heldBack: number;
  dropped: number;
  /** Alerts the database refused as they were (none expected: text is made storable first). */
  rejected: number;
  failedFlushes: number;
  lastError: string | null;
}

/**
 * Where the request path hands alerts over: an in-memory map merged by dedup key (a storm of one
 * error is one entry with a count), flushed in the background into the outbox, which deduplicates
 * across instances. A failed flush keeps everything and retries with backoff; shutdown drains it.
 */
@Injectable()
export class AlertQueue {
  private readonly logger = new ModuleLogger();
  private pending = new Map<string, PendingCandidate>();
  private bursts = new Map<string, { times: number[]; alert: Alert }>();
  private records: OutboxRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failures = 0;
  private closed = false;
  private readonly counters = { queued: 0, heldBack: 0, dropped: 0, rejected: 0, failedFlushes: 0 };
  private lastError: string | null = null;
  /** Occurrence times kept per key: enough for the repeat threshold, however high it is set. */
  private readonly keepTimes: number;
  /** Called after alerts went into the outbox (the worker delivers them without waiting for its poll). */
  onQueued: () => void = () => undefined;

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    @Inject(ALERT_OUTBOX_STORE) private readonly store: AlertOutboxStore,
    private readonly router: AlertRouter,
  ) {
    this.keepTimes = Math.max(MAX_BURST_TIMES, options.alerts.escalation.repeatThreshold);
  }

  /** Hands an alert over. Synchronous and cheap: it only merges into a map. */
  add(candidate: AlertCandidate, at: number): void {
    if (this.closed) {
      this.counters.dropped++;
      return;
    }
    if (candidate.burstKey) {
      const burst = this.bursts.get(candidate.burstKey);
      if (burst) pushTime(burst.times, at, this.keepTimes);
      else if (this.bursts.size < MAX_PENDING_KEYS) this.bursts.set(candidate.burstKey, { times: [at], alert: candidate.alert });
    }
    if (candidate.routes.length === 0) return this.schedule();
    const key = pendingKey(candidate);
    const existing = this.pending.get(key);
    if (existing) {
      existing.count++;
      pushTime(existing.times, at, this.keepTimes);
    } else if (this.pending.size >= MAX_PENDING_KEYS) {
      this.counters.dropped++;
      if (this.counters.dropped === 1 || this.counters.dropped % 1000 === 0) this.logger.error(`alert queue full; dropped ${this.counters.dropped} alerts so far`);
    } else {
      this.pending.set(key, { candidate, count: 1, times: [at] });
    }
    this.schedule();
  }

  /** Rows to store as they are (alerts delivered directly while the outbox was unreachable). */
  record(rows: readonly OutboxRow[]): void {
    this.records.push(...rows);
    this.schedule();
  }

  stats(): AlertQueueStats {
    return { pendingKeys: this.pending.size, ...this.counters, lastError: this.lastError };
  }

  get empty(): boolean {
    return this.pending.size === 0 && this.bursts.size === 0 && this.records.length === 0;
  }

  /**
   * Writes what waits now, including a write already under way; true when everything is in the
   * outbox, false at the deadline (a write may go on in the background).
   */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(0, deadline - Date.now());
    while ((!this.empty || this.running) && left() > 0) {
      this.clearTimer();
      await settlesWithin(this.run(), left());
      // After a failed write: wait a little rather than spin against a database that is down.
      if (!this.empty && !this.running && this.failures > 0) await new Promise((r) => setTimeout(r, Math.min(50, left())).unref());
    }
    return this.empty && !this.running;
  }

  /** Stops taking alerts; what is still queued is counted as dropped. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    const left = [...this.pending.values()].reduce((n, p) => n + p.count, 0);
    if (left > 0) {
      this.counters.dropped += left;
      this.logger.error(`shutdown: ${left} alerts could not be queued (${this.lastError})`);
    }
  }

  private schedule(delay = FLUSH_DELAY_MS): void {
    if (this.running || this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delay);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): Promise<void> {
    this.running ??= this.drain()
      .then(
        () => {
          this.failures = 0;
          this.lastError = null;
        },
        (error: unknown) => {
          this.failures++;
          this.counters.failedFlushes++;
          this.lastError = messageOf(error, 300);
          if (this.failures === 1) this.logger.warn(`queueing alerts failed, will retry: ${this.lastError}`);
        },
      )
      .finally(() => {
        this.running = undefined;
        if (!this.empty) this.schedule(this.failures === 0 ? 0 : backoffDelay(this.failures, { kind: 'exponential', baseMs: 100, maxMs: 5000, jitter: false }));
      });
    return this.running;
  }

  private async drain(): Promise<void> {
    await this.store.connect();
    const now = new Date(this.options.clock.now());
    if (this.records.length > 0) {
      const rows = this.records.splice(0);
      await this.store.insertRows(rows).catch((error: unknown) => {
        if (isRowError(error)) {
          this.counters.rejected += rows.length;
          this.logger.error(`records of ${rows.length} directly sent alerts rejected by the database: ${messageOf(error, 300)}`);
          return;
        }
        this.records.unshift(...rows);
        throw error;
      });
    }
    const counts = await this.recordBursts(now);
    const batch = [...this.pending.values()];
    this.pending = new Map();
    let queued = false;
    try {
      while (batch.length > 0) {
        let result: EnqueueResult | undefined;
        try {
          const burst = batch[0].candidate.burstKey;
          [result] = await this.store.enqueue([batch[0]], now, this.options.alerts.dedupWindowMs, (alert, extra) =>
            this.finish(alert, extra, burst === undefined ? undefined : counts.get(burst)),
          );
        } catch (error) {
          if (!isRowError(error)) throw error;
          // This alert cannot be stored as it is: drop it (counted, logged) rather than block the others.
          this.counters.rejected++;
          this.logger.error(`alert ${batch[0].candidate.dedupKey} rejected by the database: ${messageOf(error, 300)}`);
        }
        batch.shift();
        if (result?.queued) {
          this.counters.queued++;
          queued = true;
        } else if (result) this.counters.heldBack++;
      }
    } finally {
      for (const left of batch) this.merge(left);
    }
    if (queued) this.onQueued();
  }

  /** Escalation (b): records occurrence times; a key at the threshold queues a `multiple_failures` alert. */
  private async recordBursts(now: Date): Promise<Map<string, number>> {
    if (this.bursts.size === 0) return new Map();
    const { repeatThreshold, repeatWindowMinutes } = this.options.alerts.escalation;
    const bursts = this.bursts;
    this.bursts = new Map();
    const entries = [...bursts].map(([key, { times }]) => ({ key, times }));
    let counts: Map<string, number>;
    try {
      counts = await this.store.recordBursts(entries, now, repeatWindowMinutes * 60_000, this.keepTimes);
    } catch (error) {
      // Not recorded: put them back in front of what arrived meanwhile, for the next flush.
      for (const [key, burst] of this.bursts) {
        const earlier = bursts.get(key);
        if (earlier) for (const t of burst.times) pushTime(earlier.times, t, this.keepTimes);
        else bursts.set(key, burst);
      }
      this.bursts = bursts;
      throw error;
    }
    for (const [key, { alert: base }] of bursts) {
      const count = counts.get(key) ?? 0;
      if (count < repeatThreshold) continue;
      const alert = repeatedErrorAlert(base, count, repeatWindowMinutes);
      const routes = this.router.route(alert);
      if (routes.length === 0) continue;
      // Repeats of the notice itself are not summarised: the error's own digest counts them.
      const dedupKey = this.router.key(base.service, `multiple_failures:${base.error?.fingerprint ?? key}`);
      this.merge({ candidate: { alert, routes, dedupKey, summarize: false }, count: 1, times: [now.getTime()] });
    }
    return counts;
  }

  /** The queued alert with its occurrences in the repeat window and what the previous notice held back. */
  private finish(alert: Alert, extra: { carried: number; carriedSince: Date | null }, recent: number | undefined): Alert {
    return {
      ...alert,
      occurrences: alert.occurrences ?? (recent ? { count: recent, windowMinutes: this.options.alerts.escalation.repeatWindowMinutes } : undefined),
      suppressed: extra.carried > 0 && extra.carriedSince ? { count: extra.carried, since: extra.carriedSince.toISOString() } : undefined,
    };
  }

  private merge(entry: PendingCandidate): void {
    const key = pendingKey(entry.candidate);
    const existing = this.pending.get(key);
    if (!existing) {
      this.pending.set(key, entry);
      return;
    }
    existing.count += entry.count;
    for (const t of entry.times) pushTime(existing.times, t, this.keepTimes);
  }
}

/** Appends an occurrence time, keeping the latest `keep`. */
function pushTime(times: number[], at: number, keep: number): void {
  times.push(at);
  if (times.length > keep) times.shift();
}

/** Occurrences merge in memory per dedup key and state: a state change within one flush is kept. */
const pendingKey = (c: AlertCandidate): string => (c.state === undefined ? c.dedupKey : `${c.dedupKey}\u0001${c.state}`);
