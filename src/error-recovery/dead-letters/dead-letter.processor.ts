import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import { ModuleLogger } from '../common/log-line.js';
import { scrubString } from '../common/scrub.js';
import { DEAD_LETTER_STORE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { RecoveryEvents, type DeadLetterRecoveredEvent } from '../events/recovery-events.js';
import { backoffDelay } from '../resilience/backoff.js';
import { settlesWithin } from '../resilience/settles-within.js';
import { DeadLetterHandlers } from './dead-letter-handlers.registry.js';
import type { DeadLetterRecord, DeadLetterSettlement, DeadLetterStore } from './dead-letter-store.interface.js';

/** A handler run still going at half its lease. */
const LEASE_HALF = Symbol('half the lease');

/**
 * Runs due dead-letter items: every `pollIntervalMs` it reclaims items whose lease ran out (their
 * process died), claims up to `batchSize` due items of the handlers it knows (`FOR UPDATE SKIP
 * LOCKED`: instances share the work, none runs an item twice), runs them, and settles each
 * (`succeeded`, back to `pending` after a backoff, or `exhausted`). The first pass, at start-up, is
 * the crash recovery; if the store is down it is logged and tried again at each poll — start-up
 * never waits for it nor fails because of it. Stops at shutdown, waiting for runs in flight.
 */
@Injectable()
export class DeadLetterProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new ModuleLogger();
  private readonly stopping = new AbortController();
  /** Identifies this process's leases; each claim adds its own number (see {@link runDue}). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private claims = 0;
  /** What the start-up recovery reclaimed so far (it is tried again until it completes once). */
  private readonly reclaimedAtStart = { reclaimed: 0, exhausted: 0 };
  private loop: Promise<void> | undefined;
  private recovery: DeadLetterRecoveredEvent | undefined;
  private aboveThreshold = false;
  /** Runs that outlived half their lease, still going; shutdown waits for them too. */
  private readonly late = new Set<Promise<void>>();
  /** Injected randomness of the backoff's jitter (tests pin it). */
  random: () => number = Math.random;

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    @Inject(DEAD_LETTER_STORE) private readonly store: DeadLetterStore,
    private readonly handlers: DeadLetterHandlers,
    private readonly events: RecoveryEvents,
    private readonly stats: ErrorRecoveryStats,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  /** Stops polling and waits (at most the writer's shutdown timeout) for the runs in flight to settle. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    if (this.loop) await settlesWithin(Promise.all([this.loop, ...this.late]), this.options.writer.shutdownTimeoutMs);
  }

  /** The start-up crash recovery, once it ran; undefined while the store was unreachable. */
  lastRecovery(): DeadLetterRecoveredEvent | undefined {
    return this.recovery;
  }

  /**
   * One poll: recovery (until it succeeded once), reclaim, claim and run, threshold. Never throws.
   * True when it claimed a full batch (more may be due: the next poll follows at once). Exposed for tests.
   */
  async poll(): Promise<boolean> {
    try {
      await this.store.connect();
      if (!this.recovery) await this.recover();
      else await this.reclaim();
      const claimed = this.options.deadLetters.process && !this.stopping.signal.aborted ? await this.runDue() : 0;
      await this.checkThreshold();
      return claimed >= this.options.deadLetters.batchSize;
    } catch (error) {
      this.logger.warn(`dead-letter queue: poll failed, trying again in ${this.options.deadLetters.pollIntervalMs} ms: ${messageOf(error, 300)}`);
      return false;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      if (await this.poll()) continue;
      // Without a handler this app runs nothing and leaves nothing running: once recovery ran, it
      // stops polling (an app that does not use the queue pays nothing); the threshold is then checked as items are kept.
      if (this.recovery && this.handlers.names().length === 0) return;
      try {
        await this.options.clock.sleep(this.options.deadLetters.pollIntervalMs, this.stopping.signal, { unref: true });
      } catch {
        return;
      }
    }
  }

  private async recover(): Promise<void> {
    const result = await this.store.reclaimExpired(this.options.service, this.now());
    // Counted and told before anything else can fail: a retry of the recovery finds those rows reclaimed already.
    this.reclaimedAtStart.reclaimed += result.reclaimed;
    this.reclaimedAtStart.exhausted += result.exhausted.length;
    await this.announceExhausted(result.exhausted);
    const counts = await this.store.counts(this.options.service);
    const { reclaimed, exhausted } = this.reclaimedAtStart;
    this.recovery = { reclaimed, exhausted, pending: counts.pending };
    this.logger.log(`dead-letter queue: ${reclaimed} item(s) left running by a stopped process reclaimed, ${exhausted} exhausted by it; ${counts.pending} pending`);
    this.events.emit('dead_letter.recovered', this.recovery);
  }

  private async reclaim(): Promise<void> {
    const result = await this.store.reclaimExpired(this.options.service, this.now());
    if (result.reclaimed + result.exhausted.length > 0) this.logger.warn(`dead-letter queue: ${result.reclaimed} item(s) of a stopped process reclaimed, ${result.exhausted.length} exhausted`);
    await this.announceExhausted(result.exhausted);
  }

  /** Claims and runs one batch; how many items it claimed. */
  private async runDue(): Promise<number> {
    const names = this.handlers.names();
    if (names.length === 0) return 0;
    const now = this.now();
    const { batchSize, leaseMs } = this.options.deadLetters;
    // One lease owner per claim: a run still going after its lease ran out (and the item was claimed
    // again, by this process too) can then no longer settle the item in place of the run that holds it.
    const owner = `${this.owner}#${++this.claims}`;
    const items = await this.store.claimDue(this.options.service, names, owner, now, new Date(now.getTime() + leaseMs), batchSize);
    await Promise.all(items.map((item) => this.runOne(item, owner)));
    return items.length;
  }

  /**
   * Runs one claimed item and settles it. Never throws: a failed settle leaves the lease to expire and
   * the item to be reclaimed. The run gets half the lease: with no outcome by then the item stays
   * claimed (nobody else runs it while the lease lasts) and its late outcome is recorded when it comes,
   * unless the lease ran out and the item was reclaimed first (then it runs again: at most one repeat per lease).
   */
  private async runOne(item: DeadLetterRecord, owner: string): Promise<void> {
    const settling = this.attempt(item).then((outcome) => this.settle(item, owner, outcome));
    const waitMs = this.options.deadLetters.leaseMs / 2;
    const timer = new AbortController();
    const late = this.options.clock.sleep(waitMs, timer.signal, { unref: true }).then(
      () => LEASE_HALF,
      () => undefined,
    );
    const first = await Promise.race([settling, late]).finally(() => timer.abort());
    if (first !== LEASE_HALF) return;
    this.late.add(settling);
    void settling.finally(() => this.late.delete(settling));
    this.logger.warn(`dead letter ${item.id} (${item.operation}): its handler did not settle within ${waitMs} ms; left claimed until its lease ends`);
  }

  private async settle(item: DeadLetterRecord, owner: string, outcome: DeadLetterSettlement): Promise<void> {
    try {
      const settled = await this.store.settle(item.id, owner, outcome, this.now());
      if (settled && outcome.kind === 'exhausted') this.exhausted(item, item.attempts + 1, outcome.errorMessage);
    } catch (error) {
      this.stats.fault('operation', error);
    }
  }

  /** Runs the handler; how the run ended. Never throws. */
  private async attempt(item: DeadLetterRecord): Promise<DeadLetterSettlement> {
    const handler = this.handlers.get(item.handler);
    try {
      if (!handler) throw new Error(`no @DeadLetterHandler('${item.handler}') in this process`);
      await handler.run(item.payload, item);
      return { kind: 'succeeded' };
    } catch (failure) {
      const errorMessage = scrubString(messageOf(failure, this.options.capture.maxMessageLength));
      const attempts = item.attempts + 1;
      if (attempts >= item.maxAttempts) return { kind: 'exhausted', errorMessage };
      return { kind: 'failed', errorMessage, nextAttemptAt: new Date(this.now().getTime() + this.delayAfter(attempts)) };
    }
  }

  /** Backoff after the item's `attempts`-th run in all: exponential from `baseDelayMs`, capped, full jitter. */
  private delayAfter(attempts: number): number {
    const { baseDelayMs, maxDelayMs } = this.options.deadLetters;
    return backoffDelay(attempts, { kind: 'exponential', baseMs: baseDelayMs, maxMs: maxDelayMs, jitter: true }, this.random);
  }

  private async announceExhausted(ids: string[]): Promise<void> {
    for (const id of ids) {
      const item = await this.store.findById(id);
      if (item) this.exhausted(item, item.attempts, item.errorMessage);
    }
  }

  private exhausted(item: DeadLetterRecord, attempts: number, errorMessage: string): void {
    this.logger.warn(`dead letter ${item.id} (${item.operation}) exhausted after ${attempts} attempt(s): ${errorMessage.slice(0, 300)}`);
    this.events.emit('dead_letter.exhausted', { id: item.id, service: item.service, operation: item.operation, handler: item.handler, attempts, errorMessage });
  }

  /** {@link checkThreshold} after an item was kept, in the background; never throws. */
  afterKept(): void {
    this.checkThreshold().catch((error: unknown) => this.logger.warn(`dead-letter queue: threshold not checked: ${messageOf(error, 300)}`));
  }

  /** Edge-triggered: told when the waiting items reach the threshold, again only after they fell below it. */
  private async checkThreshold(): Promise<void> {
    const threshold = this.options.deadLetters.alertThreshold;
    if (threshold <= 0) return;
    const counts = await this.store.counts(this.options.service);
    const current = counts.pending + counts.retrying;
    const above = current >= threshold;
    if (above && !this.aboveThreshold) this.events.emit('dead_letter.queue_high', { current, threshold });
    this.aboveThreshold = above;
  }

  private now(): Date {
    return new Date(this.options.clock.now());
  }
}
