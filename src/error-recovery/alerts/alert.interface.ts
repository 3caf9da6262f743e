import type { Severity } from '../classify/classification.interface.js';

/** What an alert is about. `digest` folds alerts held back by the e-mail cap into one mail. */
export type AlertKind =
  | 'error'
  | 'circuit_breaker_open'
  | 'circuit_breaker_closed'
  | 'multiple_failures'
  | 'recovery_failing'
  | 'rate_limit_exceeded'
  | 'initialization_failed'
  | 'errors_dropped'
  | 'dead_letter_exhausted'
  | 'dead_letter_queue_high'
  | 'digest';

export const ALERT_KINDS: readonly AlertKind[] = [
  'error',
  'circuit_breaker_open',
  'circuit_breaker_closed',
  'multiple_failures',
  'recovery_failing',
  'rate_limit_exceeded',
  'initialization_failed',
  'errors_dropped',
  'dead_letter_exhausted',
  'dead_letter_queue_high',
  'digest',
];

/** The delivery channels the module ships. */
export type AlertChannelName = 'email' | 'webhook' | 'slack' | 'telegram';

/** The error an alert is about: stored data only (already scrubbed at capture), never raw request data. */
export interface AlertErrorFacts {
  id: string;
  type: string;
  message: string;
  httpStatus: number;
  transient: boolean;
  fingerprint: string;
  method: string | null;
  route: string | null;
  /** Link to `GET <apiPrefix>/<id>` when `alerts.baseUrl` is set. */
  detailUrl: string | null;
}

/** One recovery action as an alert reports it. */
export interface AlertAction {
  strategy: string;
  success: boolean;
  skipped: boolean;
  /** What the strategy did or why it skipped (scrubbed at capture). */
  message: string;
}

/** Further occurrences held back by deduplication, summarised ("+137 more since 14:02"). */
export interface SuppressedOccurrences {
  count: number;
  /** ISO time of the first held-back occurrence. */
  since: string;
}

/**
 * One alert, as stored in the outbox and rendered by every channel. Plain JSON: every string in it
 * comes from stored (scrubbed) data and is escaped by the renderer of each channel.
 */
export interface Alert {
  /** Shared by the deliveries (one per channel) of this alert. */
  id: string;
  kind: AlertKind;
  severity: Severity;
  /** Sent to the escalation recipients too, and why. */
  escalation: string | null;
  /** One line, without the `[SEVERITY]` prefix, e.g. `DatabaseError in orders: pool exhausted — recovered by pool_increase`. */
  title: string;
  /** ISO time of the event. */
  occurredAt: string;
  service: string;
  environment: string;
  error?: AlertErrorFacts;
  /** Recovery of the error: outcome and the actions in order. */
  recovery?: { attempted: boolean; success: boolean; resolvedBy: string | null; actions: AlertAction[] };
  /** Occurrences of this alert's dedup key in the current window, this one included. */
  occurrences?: { count: number; windowMinutes: number };
  /** Held back from the previous window and not yet reported. */
  suppressed?: SuppressedOccurrences;
  /** Set when this alert *is* the digest of occurrences held back by deduplication. */
  digestOf?: SuppressedOccurrences & { until: string };
  /** Set on a `digest` alert: the alerts the e-mail cap folded into it. */
  folded?: { count: number; items: { severity: Severity; title: string; occurredAt: string }[] };
  /** Further facts of the event (breaker name, throttle key, strategy, reason), as label → value. */
  facts?: Record<string, string>;
}

/** An alert addressed to one channel: what a channel's `send` receives. */
export interface AlertDelivery {
  /** Id of the outbox row; stable across retries (receivers may deduplicate on it). */
  id: string;
  alert: Alert;
  /** E-mail addresses (email channel); empty for the others. */
  recipients: string[];
  /** 1 on the first try. */
  attempt: number;
}
