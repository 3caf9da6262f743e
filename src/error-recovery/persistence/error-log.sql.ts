import { storableJson, storableOrNull, storableText } from './storable-text.js';
import type { ErrorLogRecord, PendingErrorLog, RecoveryActionRecord } from './error-log.record.js';

/** A statement and its parameters. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * A timestamp parameter; null for an invalid date, which the database then refuses for that row
 * alone (NOT NULL: a row error, isolated and counted). `toISOString()` would throw instead, failing
 * every batch the row is in, retried forever.
 */
const iso = (d: Date | null | undefined): string | null => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : null);

const LOG_COLUMNS: readonly [string, string, (r: ErrorLogRecord) => unknown][] = [
  ['id', 'uuid', (r) => r.id],
  ['occurred_at', 'timestamptz', (r) => iso(r.occurredAt)],
  ['service', 'varchar', (r) => storableText(r.service.slice(0, 100))],
  ['environment', 'varchar', (r) => storableText(r.environment.slice(0, 50))],
  ['error_type', 'varchar', (r) => storableText(r.errorType.slice(0, 100))],
  ['category', 'varchar', (r) => r.category],
  ['severity', 'varchar', (r) => r.severity],
  ['http_status', 'smallint', (r) => r.httpStatus],
  ['transient', 'boolean', (r) => r.transient],
  ['message', 'text', (r) => storableText(r.message)],
  ['stack', 'text', (r) => storableOrNull(r.stack)],
  ['fingerprint', 'varchar', (r) => r.fingerprint.slice(0, 64)],
  ['context_type', 'varchar', (r) => r.contextType ?? 'http'], // a journal written before 0.2 has none: HTTP
  ['operation', 'varchar', (r) => storableOrNull(r.operation?.slice(0, 500))],
  ['method', 'varchar', (r) => storableOrNull(r.method?.slice(0, 10))],
  ['route', 'varchar', (r) => storableOrNull(r.route?.slice(0, 500))],
  ['path', 'varchar', (r) => storableOrNull(r.path?.slice(0, 2000))],
  ['request_id', 'varchar', (r) => storableOrNull(r.requestId?.slice(0, 200))],
  ['context', 'jsonb', (r) => storableJson(r.context)],
  ['resolved', 'boolean', (r) => r.resolved],
  ['resolved_at', 'timestamptz', (r) => iso(r.resolvedAt)],
  ['recovery_attempted', 'boolean', (r) => r.recoveryAttempted],
  ['recovery_success', 'boolean', (r) => r.recoverySuccess],
  ['recovery_strategy', 'varchar', (r) => storableOrNull(r.recoveryStrategy?.slice(0, 50))],
];

const ACTION_COLUMNS: readonly [string, string, (a: RecoveryActionRecord) => unknown][] = [
  ['id', 'uuid', (a) => a.id],
  ['error_log_id', 'uuid', (a) => a.errorLogId],
  ['position', 'int', (a) => a.position],
  ['strategy', 'varchar', (a) => storableText(a.strategy.slice(0, 50))],
  ['trigger', 'varchar', (a) => a.trigger],
  ['success', 'boolean', (a) => a.success],
  ['skipped', 'boolean', (a) => a.skipped],
  ['message', 'text', (a) => storableText(a.message)],
  ['details', 'jsonb', (a) => (a.details === null ? null : storableJson(a.details))],
  ['duration_ms', 'int', (a) => Math.max(0, Math.round(a.durationMs))],
  ['started_at', 'timestamptz', (a) => iso(a.startedAt)],
];

/** One array per column, in column order: the parameters of an `unnest` insert. */
function columnArrays<T>(rows: readonly T[], columns: readonly [string, string, (r: T) => unknown][]): unknown[][] {
  const arrays = columns.map(() => new Array<unknown>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < columns.length; c++) arrays[c][r] = columns[c][2](rows[r]);
  }
  return arrays;
}

const names = (columns: readonly [string, ...unknown[]][]): string => columns.map(([c]) => `"${c}"`).join(', ');

/**
 * `INSERT … SELECT * FROM unnest($1::uuid[], …)`: one bind parameter per column whatever the
 * number of rows, so the statement text is the same for every batch (planned once per session)
 * and the driver sends a few large arrays instead of thousands of small parameters.
 */
function unnestInsert<T>(table: string, rows: readonly T[], columns: readonly [string, string, (r: T) => unknown][], params: unknown[]): string {
  const first = params.length;
  params.push(...columnArrays(rows, columns));
  const arrays = columns.map(([, type], i) => `$${first + i + 1}::${type}[]`).join(', ');
  return `INSERT INTO "${table}" (${names(columns)}) SELECT * FROM unnest(${arrays}) ON CONFLICT ("id") DO NOTHING`;
}

/**
 * One statement for a whole batch: logs and their actions are written atomically without an
 * explicit transaction (the embedded PGlite shares one session, so BEGIN/COMMIT could interleave
 * with other queries). `ON CONFLICT DO NOTHING` makes re-sending a batch harmless.
 */
export function insertBatchStatement(batch: readonly PendingErrorLog[]): SqlStatement {
  const params: unknown[] = [];
  const logs = batch.map((p) => p.log);
  const actions = batch.flatMap((p) => p.actions);
  const insertLogs = unnestInsert('error_logs', logs, LOG_COLUMNS, params);
  if (actions.length === 0) return { sql: insertLogs, params };
  const insertActions = unnestInsert('recovery_actions', actions, ACTION_COLUMNS, params);
  return { sql: `WITH "logs" AS (${insertLogs} RETURNING "id") ${insertActions}`, params };
}

/** Appends actions and updates the recovery columns of one row, in one statement. */
export function appendRecoveryStatement(
  id: string,
  outcome: { success: boolean; strategy: string | null; at: Date },
  actions: readonly RecoveryActionRecord[],
): SqlStatement {
  const params: unknown[] = [id, outcome.success, outcome.strategy, outcome.at.toISOString()];
  // A failed manual run never hides an earlier success (nor the strategy that achieved it, nor the
  // resolution); a successful one resolves the error like a successful automatic recovery does.
  const update = `UPDATE "error_logs" SET "recovery_attempted" = true, "recovery_success" = (COALESCE("recovery_success", false) OR $2::boolean), "recovery_strategy" = COALESCE($3::varchar, "recovery_strategy"), "resolved" = ("resolved" OR $2::boolean), "resolved_at" = CASE WHEN $2::boolean THEN COALESCE("resolved_at", $4::timestamptz) ELSE "resolved_at" END WHERE "id" = $1::uuid`;
  if (actions.length === 0) return { sql: update, params };
  const insert = unnestInsert('recovery_actions', actions, ACTION_COLUMNS, params);
  return { sql: `WITH "updated" AS (${update} RETURNING "id") ${insert}`, params };
}

type Row = Record<string, unknown>;
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/** Maps a raw `error_logs` row to a record. */
export function toErrorLogRecord(row: Row): ErrorLogRecord {
  return {
    id: String(row.id),
    occurredAt: date(row.occurred_at) as Date,
    service: String(row.service),
    environment: String(row.environment),
    errorType: String(row.error_type),
    category: row.category as ErrorLogRecord['category'],
    severity: row.severity as ErrorLogRecord['severity'],
    httpStatus: Number(row.http_status),
    transient: row.transient === true,
    message: String(row.message),
    stack: (row.stack as string | null) ?? null,
    fingerprint: String(row.fingerprint),
    contextType: ((row.context_type as string | null) ?? 'http') as ErrorLogRecord['contextType'],
    operation: (row.operation as string | null) ?? null,
    method: (row.method as string | null) ?? null,
    route: (row.route as string | null) ?? null,
    path: (row.path as string | null) ?? null,
    requestId: (row.request_id as string | null) ?? null,
    context: (json(row.context) ?? {}) as ErrorLogRecord['context'],
    resolved: row.resolved === true,
    resolvedAt: date(row.resolved_at),
    recoveryAttempted: row.recovery_attempted === true,
    recoverySuccess: (row.recovery_success as boolean | null) ?? null,
    recoveryStrategy: (row.recovery_strategy as string | null) ?? null,
  };
}

/** Maps a raw `recovery_actions` row to a record. */
export function toRecoveryActionRecord(row: Row): RecoveryActionRecord {
  return {
    id: String(row.id),
    errorLogId: String(row.error_log_id),
    position: Number(row.position),
    strategy: String(row.strategy),
    trigger: row.trigger as RecoveryActionRecord['trigger'],
    success: row.success === true,
    skipped: row.skipped === true,
    message: String(row.message),
    details: (json(row.details) ?? null) as RecoveryActionRecord['details'],
    durationMs: Number(row.duration_ms),
    startedAt: date(row.started_at) as Date,
  };
}
