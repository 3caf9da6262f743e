import type { OutboxRow } from '../alerts/outbox/alert-candidate.js';
import { alertSubject } from '../alerts/templates/alert-subject.js';

/** One outbox row as `GET /api/errors/alerts` lists it. */
export function outboxRowJson(row: OutboxRow): Record<string, unknown> {
  return {
    id: row.id,
    alert_id: row.alertId,
    channel: row.channel,
    kind: row.kind,
    severity: row.severity,
    subject: alertSubject(row.alert),
    error_id: row.alert.error?.id ?? null,
    recipients: row.recipients,
    status: row.status,
    attempts: row.attempts,
    last_error: row.lastError,
    next_attempt_at: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    created_at: row.createdAt.toISOString(),
    sent_at: row.sentAt?.toISOString() ?? null,
    folded_into: row.foldedInto,
  };
}
