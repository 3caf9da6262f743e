import type { DataSource } from 'typeorm';
import { closeDataSource, connectDataSource } from './connect-data-source.js';
import { serialiseEmbedded } from './embedded-serial.js';
import { SEVERITIES } from '../classify/classification.interface.js';
import type {
  ErrorLogQuery,
  ErrorLogSortField,
  ErrorLogStore,
  ErrorSummary,
  Page,
  RecoveryOutcomeUpdate,
} from './error-log-store.interface.js';
import type { ErrorLogRecord, PendingErrorLog, RecoveryActionRecord } from './error-log.record.js';
import {
  appendRecoveryStatement,
  insertBatchStatement,
  toErrorLogRecord,
  toRecoveryActionRecord,
} from './error-log.sql.js';

/**
 * What `ORDER BY` sorts on for each allowed field: severity by rank (low < medium < high < critical,
 * so `desc` lists critical first), not alphabetically. Nothing but these expressions reaches the SQL.
 */
const SORT_EXPRESSIONS: Readonly<Record<ErrorLogSortField, string>> = {
  occurred_at: `"occurred_at"`,
  severity: `CASE "severity" ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${SEVERITIES.length - i}`).join(' ')} ELSE 0 END`,
  error_type: `"error_type"`,
  http_status: `"http_status"`,
  service: `"service"`,
};

const sortExpression = (field: ErrorLogSortField): string =>
  Object.hasOwn(SORT_EXPRESSIONS, field) ? SORT_EXPRESSIONS[field] : SORT_EXPRESSIONS.occurred_at;

/**
 * The default store: PostgreSQL (or the embedded PGlite) through the module's own TypeORM
 * DataSource. Writes are single statements, idempotent by id.
 */
export class TypeOrmErrorLogStore implements ErrorLogStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly migrationsRun: boolean,
    private readonly embedded = false,
  ) {}

  /** A write; on the embedded PGlite never in the middle of another write's transaction. */
  private write<T>(work: () => Promise<T>): Promise<T> {
    return this.embedded ? serialiseEmbedded(work) : work();
  }

  connect(): Promise<void> {
    return connectDataSource(this.dataSource, this.migrationsRun);
  }

  async insertBatch(batch: readonly PendingErrorLog[]): Promise<void> {
    if (batch.length === 0) return;
    const { sql, params } = insertBatchStatement(batch);
    await this.write(() => this.dataSource.query(sql, params));
  }

  async findById(id: string): Promise<(ErrorLogRecord & { actions: RecoveryActionRecord[] }) | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM "error_logs" WHERE "id" = $1::uuid`,
      [id],
    );
    if (rows.length === 0) return null;
    const actions: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM "recovery_actions" WHERE "error_log_id" = $1::uuid ORDER BY "position", "started_at"`,
      [id],
    );
    return { ...toErrorLogRecord(rows[0]), actions: actions.map(toRecoveryActionRecord) };
  }

  async list(query: ErrorLogQuery): Promise<Page<ErrorLogRecord>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (query.service !== undefined) add(`"service" = ?`, query.service);
    if (query.severity !== undefined) add(`"severity" = ?`, query.severity);
    if (query.errorType !== undefined) add(`"error_type" = ?`, query.errorType);
    if (query.contextType !== undefined) add(`"context_type" = ?`, query.contextType);
    if (query.resolved !== undefined) add(`"resolved" = ?::boolean`, query.resolved);
    if (query.since !== undefined) add(`"occurred_at" >= ?::timestamptz`, query.since.toISOString());
    if (query.until !== undefined) add(`"occurred_at" < ?::timestamptz`, query.until.toISOString());
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = `ORDER BY ${sortExpression(query.sort)} ${query.order === 'asc' ? 'ASC' : 'DESC'}, "id"`;
    const offset = (query.page - 1) * query.limit;
    const [rows, count] = await Promise.all([
      this.dataSource.query(
        `SELECT * FROM "error_logs" ${filter} ${order} LIMIT ${query.limit} OFFSET ${offset}`,
        params,
      ) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(`SELECT count(*)::int AS "n" FROM "error_logs" ${filter}`, params) as Promise<
        { n: number }[]
      >,
    ]);
    return { items: rows.map(toErrorLogRecord), total: Number(count[0]?.n ?? 0), page: query.page, limit: query.limit };
  }

  async summary(query: { service?: string; since: Date }): Promise<ErrorSummary> {
    const params: unknown[] = [query.since.toISOString()];
    let filter = `WHERE "occurred_at" >= $1::timestamptz`;
    if (query.service !== undefined) {
      params.push(query.service);
      filter += ` AND "service" = $2`;
    }
    const [totals] = (await this.dataSource.query(
      `SELECT count(*)::int AS "total",
              count(*) FILTER (WHERE "severity" = 'critical')::int AS "critical",
              count(*) FILTER (WHERE "severity" = 'high')::int AS "high",
              count(*) FILTER (WHERE NOT "resolved")::int AS "unresolved"
         FROM "error_logs" ${filter}`,
      params,
    )) as { total: number; critical: number; high: number; unresolved: number }[];
    const types = (await this.dataSource.query(
      `SELECT "error_type", count(*)::int AS "count" FROM "error_logs" ${filter}
        GROUP BY "error_type" ORDER BY "count" DESC, "error_type" ASC`,
      params,
    )) as { error_type: string; count: number }[];
    return {
      total_errors: Number(totals?.total ?? 0),
      critical_errors: Number(totals?.critical ?? 0),
      high_errors: Number(totals?.high ?? 0),
      unresolved_errors: Number(totals?.unresolved ?? 0),
      error_types: types.map((t) => ({ error_type: t.error_type, count: Number(t.count) })),
    };
  }

  async markResolved(id: string, at: Date): Promise<ErrorLogRecord | null> {
    const rows = (await this.write(() => this.dataSource.query(
      `UPDATE "error_logs" SET "resolved" = true, "resolved_at" = COALESCE("resolved_at", $2::timestamptz)
        WHERE "id" = $1::uuid RETURNING *`,
      [id, at.toISOString()],
    ))) as unknown;
    // pg returns [rows, count] for UPDATE … RETURNING through TypeORM; PGlite returns rows.
    const list = (Array.isArray(rows) && Array.isArray(rows[0]) ? rows[0] : rows) as Record<string, unknown>[];
    return list.length ? toErrorLogRecord(list[0]) : null;
  }

  async appendRecovery(
    id: string,
    outcome: RecoveryOutcomeUpdate,
    actions: readonly RecoveryActionRecord[],
  ): Promise<void> {
    const { sql, params } = appendRecoveryStatement(id, outcome, actions);
    await this.write(() => this.dataSource.query(sql, params));
  }

  close(): Promise<void> {
    return closeDataSource(this.dataSource);
  }
}
