import type { Alert } from '../alert.interface.js';

/** One delivery an alert asks for: a channel, and the e-mail addresses when the channel is e-mail. */
export interface AlertRoute {
  channel: string;
  recipients: string[];
}

/**
 * An alert the module wants sent, before deduplication. Occurrences with the same `dedupKey` are
 * merged in memory (`count`, `times`) and by the store across instances: at most one alert per key
 * per window goes out, the rest are counted.
 */
export interface AlertCandidate {
  alert: Alert;
  routes: AlertRoute[];
  /** E.g. `orders|error:<fingerprint>`; see `dedupKey()`. */
  dedupKey: string;
  /** Count held-back occurrences and report them in a digest; false for notices that only repeat themselves. */
  summarize: boolean;
  /** When set, occurrences feed the "N times in M minutes" escalation under this key. */
  burstKey?: string;
  /**
   * The state this alert announces (`open`/`closed` of a breaker, `recovered`/`not_recovered` of an
   * error). A change of state is told at once even within the window (a few times per window at
   * most), so nobody is left believing a state that no longer holds.
   */
  state?: string;
}

/** Candidates with one key, merged while they wait for the next flush. */
export interface PendingCandidate {
  candidate: AlertCandidate;
  /** Occurrences merged into it, the first one included. */
  count: number;
  /** Occurrence times (epoch ms), the latest {@link MAX_BURST_TIMES} kept. */
  times: number[];
}

/** Occurrence times remembered per burst key (and per pending candidate). */
export const MAX_BURST_TIMES = 100;

/** A row of the outbox: one alert to one channel. */
export interface OutboxRow {
  id: string;
  alertId: string;
  channel: string;
  kind: string;
  severity: string;
  dedupKey: string | null;
  recipients: string[];
  alert: Alert;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  claimedBy: string | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  foldedInto: string | null;
}

/** `folded`: held back by the e-mail cap and sent as part of the digest `folded_into`. */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'exhausted' | 'folded';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'exhausted', 'folded'];
