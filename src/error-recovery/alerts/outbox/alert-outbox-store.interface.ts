import type { Alert } from '../alert.interface.js';
import type { AlertRoute, OutboxRow, OutboxStatus, PendingCandidate } from './alert-candidate.js';

/** What {@link AlertOutboxStore.enqueue} did with one pending candidate. */
export interface EnqueueResult {
  dedupKey: string;
  /** True when an alert went into the outbox; false when it was held back as a repeat. */
  queued: boolean;
}

/** Occurrences of one burst key seen in this flush. */
export interface BurstEntry {
  key: string;
  /** Epoch ms. */
  times: number[];
}

/** Held-back occurrences whose window ended: the digest the store asks the caller to build. */
export interface DueDigest {
  key: string;
  count: number;
  since: Date;
  /** The last alert sent under this key and where it went. */
  template: { alert: Alert; routes: AlertRoute[] };
}

/** A claim of e-mail rows under the per-minute cap. */
export interface EmailClaim {
  rows: OutboxRow[];
  /** E-mails that may still be sent this minute (before the claimed rows are sent). */
  capacity: number;
  /** When the oldest e-mail sent in the last minute leaves it (a slot frees); null when none was sent. */
  nextFreeAt: Date | null;
}

/** Filters of `GET /api/errors/alerts`. */
export interface OutboxQuery {
  status?: OutboxStatus;
  channel?: string;
  kind?: string;
  limit: number;
}

/** Parameters of a claim. */
export interface ClaimRequest {
  now: Date;
  limit: number;
  leaseMs: number;
  /** Id of the claiming worker (instance). */
  worker: string;
}

/**
 * Storage of the alert outbox. The default keeps it in the module's PostgreSQL (or PGlite); every
 * operation must be safe with several app instances on one database.
 */
export interface AlertOutboxStore {
  connect(): Promise<void>;
  /**
   * Records burst occurrences and returns, per key, how many fall within `windowMs` before `now`
   * (the `limit` latest at most).
   */
  recordBursts(entries: readonly BurstEntry[], now: Date, windowMs: number, limit: number): Promise<Map<string, number>>;
  /**
   * Deduplicates and queues, atomically per key: the first candidate of a key in a window becomes
   * outbox rows (one per route); the rest are counted for the digest. `finish` completes the alert
   * of a queued candidate (occurrence counts, held-back count of the previous window).
   */
  enqueue(
    pending: readonly PendingCandidate[],
    now: Date,
    windowMs: number,
    finish: (alert: Alert, extra: { carried: number; carriedSince: Date | null }) => Alert,
  ): Promise<EnqueueResult[]>;
  /** Inserts rows as they are (digests, records of alerts sent directly). */
  insertRows(rows: readonly OutboxRow[]): Promise<void>;
  /** Takes keys whose window ended with held-back occurrences, resets them and queues what `build` returns, in one transaction. */
  takeDueDigests(now: Date, windowMs: number, limit: number, build: (due: DueDigest) => OutboxRow[]): Promise<number>;
  /** Claims due rows (and rows of expired leases) of these channels with FOR UPDATE SKIP LOCKED. */
  claim(request: ClaimRequest, channels: readonly string[]): Promise<OutboxRow[]>;
  /** Claims due e-mail rows and tells how many e-mails the cap still allows this minute, under a lock. */
  claimEmails(request: ClaimRequest, perMinute: number): Promise<EmailClaim>;
  markSent(id: string, now: Date): Promise<void>;
  /**
   * `retryAt` null: no more attempts (`exhausted`). Only while `worker` still holds this claim (the
   * attempt it claimed): a row whose lease ran out and was claimed again is left to that claim.
   */
  markFailed(id: string, worker: string, attempts: number, now: Date, error: string, retryAt: Date | null): Promise<void>;
  /** Gives rows `worker` still holds back as `pending`, due at `at`, without counting the attempt. */
  release(ids: readonly string[], worker: string, at: Date): Promise<void>;
  /** Marks rows `folded` into the digest row(s) and inserts those, in one transaction; rows `worker` still holds only. */
  fold(foldedIds: ReadonlyMap<string, string>, digests: readonly OutboxRow[], worker: string, now: Date): Promise<void>;
  list(query: OutboxQuery): Promise<OutboxRow[]>;
  /**
   * Deletes finished deliveries (sent, exhausted, folded) created before `before`, and dedup and
   * burst state untouched since `stateBefore` with nothing held back. Returns the rows deleted.
   */
  purge(before: Date, stateBefore: Date): Promise<number>;
  close(): Promise<void>;
}
