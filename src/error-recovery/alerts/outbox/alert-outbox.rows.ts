import { storableJson, storableOrNull } from '../../persistence/storable-text.js';
import type { Alert } from '../alert.interface.js';
import type { OutboxRow, OutboxStatus } from './alert-candidate.js';

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function toOutboxRow(r: Record<string, unknown>): OutboxRow {
  return {
    id: String(r.id),
    alertId: String(r.alert_id),
    channel: String(r.channel),
    kind: String(r.kind),
    severity: String(r.severity),
    dedupKey: (r.dedup_key as string | null) ?? null,
    recipients: json<string[]>(r.recipients),
    alert: json<Alert>(r.alert),
    status: r.status as OutboxStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: date(r.next_attempt_at),
    leaseUntil: dateOrNull(r.lease_until),
    claimedBy: (r.claimed_by as string | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    sentAt: dateOrNull(r.sent_at),
    foldedInto: (r.folded_into as string | null) ?? null,
  };
}

const COLUMNS: readonly [string, string, (r: OutboxRow) => unknown][] = [
  ['id', 'uuid', (r) => r.id],
  ['alert_id', 'uuid', (r) => r.alertId],
  ['channel', 'varchar', (r) => r.channel.slice(0, 40)],
  ['kind', 'varchar', (r) => r.kind.slice(0, 40)],
  ['severity', 'varchar', (r) => r.severity],
  ['dedup_key', 'varchar', (r) => storableOrNull(r.dedupKey?.slice(0, 300))],
  ['recipients', 'jsonb', (r) => storableJson(r.recipients)],
  ['alert', 'jsonb', (r) => storableJson(r.alert)],
  ['status', 'varchar', (r) => r.status],
  ['attempts', 'int', (r) => r.attempts],
  ['next_attempt_at', 'timestamptz', (r) => r.nextAttemptAt.toISOString()],
  ['lease_until', 'timestamptz', (r) => r.leaseUntil?.toISOString() ?? null],
  ['claimed_by', 'varchar', (r) => r.claimedBy],
  ['last_error', 'text', (r) => storableOrNull(r.lastError)],
  ['created_at', 'timestamptz', (r) => r.createdAt.toISOString()],
  ['updated_at', 'timestamptz', (r) => r.updatedAt.toISOString()],
  ['sent_at', 'timestamptz', (r) => r.sentAt?.toISOString() ?? null],
  ['folded_into', 'uuid', (r) => r.foldedInto],
];

/** One multi-row INSERT of outbox rows; a row whose id exists is left alone (idempotent re-send). */
export function insertRowsStatement(rows: readonly OutboxRow[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const values = rows
    .map((row) => `(${COLUMNS.map(([, type, get]) => (params.push(get(row)), `$${params.length}::${type}`)).join(', ')})`)
    .join(', ');
  const names = COLUMNS.map(([c]) => `"${c}"`).join(', ');
  return { sql: `INSERT INTO "alert_outbox" (${names}) VALUES ${values} ON CONFLICT ("id") DO NOTHING`, params };
}

/** A new pending row of an alert for one route. */
export function newOutboxRow(id: string, alert: Alert, channel: string, recipients: string[], dedupKey: string | null, now: Date): OutboxRow {
  return {
    id,
    alertId: alert.id,
    channel,
    kind: alert.kind,
    severity: alert.severity,
    dedupKey,
    recipients,
    alert,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    leaseUntil: null,
    claimedBy: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    sentAt: null,
    foldedInto: null,
  };
}
