import type { Severity } from '../../classify/classification.interface.js';
import type { Alert, AlertKind } from '../alert.interface.js';
import { alertSubject } from './alert-subject.js';

/** The document the webhook channel POSTs (snake_case; absent parts are left out). */
export interface AlertJson {
  /** Delivery id: stable across retries, the receiver's idempotency key. */
  id: string;
  alert_id: string;
  kind: AlertKind;
  severity: Severity;
  escalation: string | null;
  title: string;
  subject: string;
  occurred_at: string;
  service: string;
  environment: string;
  error?: {
    id: string;
    type: string;
    message: string;
    http_status: number;
    transient: boolean;
    fingerprint: string;
    method: string | null;
    route: string | null;
    detail_url: string | null;
  };
  recovery?: {
    attempted: boolean;
    success: boolean;
    resolved_by: string | null;
    actions: { strategy: string; success: boolean; skipped: boolean; message: string }[];
  };
  occurrences?: { count: number; window_minutes: number };
  suppressed?: { count: number; since: string };
  digest_of?: { count: number; since: string; until: string };
  folded?: { count: number; items: { severity: Severity; title: string; occurred_at: string }[] };
  facts?: Record<string, string>;
}

/** The object without its undefined properties (so `toEqual` and receivers see the same keys). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The webhook document of an alert: raw values (JSON needs no escaping beyond `JSON.stringify`),
 * keys in snake_case, parts the alert does not have left out.
 *
 * @param deliveryId id of the outbox row, sent as `id`.
 */
export function alertJson(alert: Alert, deliveryId: string): AlertJson {
  const { error, recovery, occurrences, suppressed, digestOf, folded } = alert;
  return defined<AlertJson>({
    id: deliveryId,
    alert_id: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    escalation: alert.escalation ?? null,
    title: alert.title,
    subject: alertSubject(alert),
    occurred_at: alert.occurredAt,
    service: alert.service,
    environment: alert.environment,
    error: error && {
      id: error.id,
      type: error.type,
      message: error.message,
      http_status: error.httpStatus,
      transient: error.transient,
      fingerprint: error.fingerprint,
      method: error.method,
      route: error.route,
      detail_url: error.detailUrl,
    },
    recovery: recovery && {
      attempted: recovery.attempted,
      success: recovery.success,
      resolved_by: recovery.resolvedBy,
      actions: recovery.actions.map((a) => ({ strategy: a.strategy, success: a.success, skipped: a.skipped, message: a.message })),
    },
    occurrences: occurrences && { count: occurrences.count, window_minutes: occurrences.windowMinutes },
    suppressed: suppressed && { count: suppressed.count, since: suppressed.since },
    digest_of: digestOf && { count: digestOf.count, since: digestOf.since, until: digestOf.until },
    folded: folded && { count: folded.count, items: folded.items.map((i) => ({ severity: i.severity, title: i.title, occurred_at: i.occurredAt })) },
    facts: alert.facts && { ...alert.facts },
  });
}
