import type { ContextType } from '../common/context-type.js';
import type { JsonValue } from '../common/safe-serialize.js';
import type { Page } from '../persistence/error-log-store.interface.js';

/**
 * Where an item of the dead-letter queue stands. `pending`: waits for its next run (due at
 * `nextAttemptAt`); `retrying`: a process holds its lease and runs it; `succeeded`: its handler ran
 * through; `exhausted`: every run it was allowed failed, or no handler of its name existed when it
 * was kept (terminal until an operator retries it); `discarded`: an operator gave it up.
 */
export type DeadLetterStatus = 'pending' | 'retrying' | 'succeeded' | 'exhausted' | 'discarded';

/** Every {@link DeadLetterStatus}, in the order of an item's life. */
export const DEAD_LETTER_STATUSES: readonly DeadLetterStatus[] = ['pending', 'retrying', 'succeeded', 'exhausted', 'discarded'];

/**
 * Work that failed for good (a microservice event, a job, a `withRecovery` call, an explicit
 * `enqueue`): what is needed to run it again. The payload is scrubbed as the error row's context is,
 * except the fields its handler declared it needs.
 */
export interface DeadLetterRecord {
  id: string;
  createdAt: Date;
  /** The app (module `service`) that kept it: only its instances run it. */
  service: string;
  contextType: ContextType;
  /** What identifies the work: the event pattern, the job name, the enqueued operation. */
  operation: string;
  /** The `@DeadLetterHandler()` name that runs it; the operation unless told otherwise. */
  handler: string;
  payload: JsonValue;
  /** Runs in all: those before it was kept (its own retries) and the queue's. */
  attempts: number;
  /** Runs in all after which it is `exhausted`. */
  maxAttempts: number;
  status: DeadLetterStatus;
  /** When a `pending` item is due; null once terminal. */
  nextAttemptAt: Date | null;
  /** The error row of the first failure; null when that error was not captured. */
  errorLogId: string | null;
  /** The last failure's message, scrubbed. */
  errorMessage: string;
  /** When an operator replayed it (retry now); null until then. */
  replayedAt: Date | null;
  updatedAt: Date;
  /** The process running it (`retrying` only). */
  leaseOwner: string | null;
  /** When that process is presumed dead and the item may be reclaimed. */
  leaseExpiresAt: Date | null;
}

/** Filters and paging of `GET /api/errors/dead-letters`. */
export interface DeadLetterQuery {
  service?: string;
  status?: DeadLetterStatus;
  operation?: string;
  page: number;
  limit: number;
}

/** How a run of a claimed item ended, as the store writes it. */
export type DeadLetterSettlement =
  | { kind: 'succeeded' }
  | { kind: 'failed'; errorMessage: string; nextAttemptAt: Date }
  | { kind: 'exhausted'; errorMessage: string };

/** Items by status, counted across every instance. */
export type DeadLetterCounts = Record<DeadLetterStatus, number>;

/** What a reclaim of dead processes' items did. */
export interface ReclaimResult {
  /** Back to `pending`. */
  reclaimed: number;
  /** Its crashed run was its last allowed one: now `exhausted`. */
  exhausted: string[];
}

/**
 * Storage of the dead-letter queue. The default is the table `dead_letters` on the module's
 * DataSource; supply another through the `deadLetterStore` option. Inserts must be idempotent by id:
 * a failed insert is sent again. `claimDue` must never hand one item to two callers.
 */
export interface DeadLetterStore {
  /** Make the store usable (connect, migrate). Called again after a failure until it succeeds. */
  connect(): Promise<void>;
  /** Inserts one item; a row whose id exists is left alone. */
  insert(letter: DeadLetterRecord): Promise<void>;
  /** Newest first. */
  list(query: DeadLetterQuery): Promise<Page<DeadLetterRecord>>;
  findById(id: string): Promise<DeadLetterRecord | null>;
  /**
   * Takes up to `limit` pending items of `service` due at `now` whose handler is one of `handlers`,
   * marks them `retrying` with a lease for `owner` until `leaseUntil`, and returns them.
   */
  claimDue(service: string, handlers: readonly string[], owner: string, now: Date, leaseUntil: Date, limit: number): Promise<DeadLetterRecord[]>;
  /** Ends a run; false when `owner` no longer holds the item (reclaimed, discarded). */
  settle(id: string, owner: string, outcome: DeadLetterSettlement, now: Date): Promise<boolean>;
  /** `retrying` items of `service` whose lease ran out by `now`: the crashed run counts as an attempt. */
  reclaimExpired(service: string, now: Date): Promise<ReclaimResult>;
  /** Due now and allowed one more run; null when no such item or it is running. */
  retryNow(id: string, now: Date): Promise<DeadLetterRecord | null>;
  /** `discarded`; null when no such item or it already succeeded. */
  discard(id: string, now: Date): Promise<DeadLetterRecord | null>;
  /** Items by status, of one service or of all. */
  counts(service?: string): Promise<DeadLetterCounts>;
  /** Release connections. */
  close(): Promise<void>;
}
