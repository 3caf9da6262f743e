import { Inject, Injectable } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import { ModuleLogger } from '../common/log-line.js';
import type { SafeSerializeOptions } from '../common/safe-serialize.js';
import { DEAD_LETTER_STORE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { settlesWithin } from '../resilience/settles-within.js';
import type { DeadLetterRecord, DeadLetterStore } from './dead-letter-store.interface.js';

/**
 * How much of a payload a dead letter keeps: it is what an operator replays, so far more than an
 * error row's context (whose defaults cut at 50 items, 2000 characters, depth 6), yet bounded
 * against a hostile value. Beyond these, parts are cut with a marker.
 */
export const DEAD_LETTER_PAYLOAD_LIMITS: Readonly<SafeSerializeOptions> = Object.freeze({
  maxDepth: 32,
  maxStringLength: 1_048_576,
  maxKeys: 10_000,
  maxArrayLength: 10_000,
  maxNodes: 200_000,
});

/** Inserts of one dead letter before it is given up: about 7.5 s of a database that does not answer. */
export const DEAD_LETTER_ATTEMPTS = 5;

/** Wait before insert `n + 1` (1-based `n`): 0.5 s doubling, at most 8 s. */
export const deadLetterDelay = (n: number): number => Math.min(8000, 500 * 2 ** (n - 1));

/** What the dead-letter writer did since the start. */
export interface DeadLetterStats {
  written: number;
  /** Given up after {@link DEAD_LETTER_ATTEMPTS} failed inserts, or failed or came after shutdown. Each is logged. */
  dropped: number;
  pending: number;
}

/**
 * Stores dead letters off the path of the work: a failed insert is tried again in the background
 * with backoff, a bounded number of times, then counted and logged as dropped. Not through the
 * error-log writer's batches and journal: a dead letter is rare (work that failed every retry), its
 * error row — journaled, with the same scrubbed payload as context — already keeps what was lost,
 * and the journal's format is the error rows'. Shutdown waits for the inserts in flight.
 */
@Injectable()
export class DeadLetterWriter {
  private readonly logger = new ModuleLogger();
  private readonly pending = new Set<Promise<void>>();
  private written = 0;
  private dropped = 0;
  private closed = false;

  constructor(
    @Inject(DEAD_LETTER_STORE) private readonly store: DeadLetterStore,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  /** Stores `letter` in the background. Never throws; the promise settles when it is stored or dropped. */
  record(letter: DeadLetterRecord): Promise<void> {
    const work = this.persist(letter).finally(() => this.pending.delete(work));
    this.pending.add(work);
    return work;
  }

  /** Waits for the inserts in flight, at most `ms`; true when none is left. */
  drain(ms: number): Promise<boolean> {
    return settlesWithin(Promise.all(this.pending), ms);
  }

  /** From now on a failed insert is not tried again (the connection is closing). */
  close(): void {
    this.closed = true;
  }

  stats(): DeadLetterStats {
    return { written: this.written, dropped: this.dropped, pending: this.pending.size };
  }

  private async persist(letter: DeadLetterRecord): Promise<void> {
    // After the shutdown drain the connection is closing or closed: opening it again would outlive the app.
    if (this.closed) return this.drop(letter, 'the app had closed');
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.connect();
        await this.store.insert(letter);
        this.written++;
        return;
      } catch (error) {
        if (this.closed || attempt >= DEAD_LETTER_ATTEMPTS) return this.drop(letter, `not stored after ${attempt} attempts: ${messageOf(error, 300)}`);
        await this.options.clock.sleep(deadLetterDelay(attempt), undefined, { unref: true }).catch(() => undefined);
      }
    }
  }

  private drop(letter: DeadLetterRecord, why: string): void {
    this.dropped++;
    this.logger.error(`dead letter ${letter.id} (${letter.contextType} ${letter.operation}, error ${letter.errorLogId ?? 'not captured'}) ${why}; ${this.dropped} dropped so far`);
  }
}
