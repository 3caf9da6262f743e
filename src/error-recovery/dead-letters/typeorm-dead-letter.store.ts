import type { DataSource } from 'typeorm';
import { closeDataSource, connectDataSource } from '../persistence/connect-data-source.js';
import { serialiseEmbedded } from '../persistence/embedded-serial.js';
import type { Page } from '../persistence/error-log-store.interface.js';
import { storableJson, storableText } from '../persistence/storable-text.js';
import { returned } from '../persistence/returned-rows.js';
import { whereEquals } from '../persistence/where-equals.js';
import {
  DEAD_LETTER_STATUSES,
  type DeadLetterCounts,
  type DeadLetterQuery,
  type DeadLetterRecord,
  type DeadLetterSettlement,
  type DeadLetterStore,
  type ReclaimResult,
} from './dead-letter-store.interface.js';
import { CLAIM_DUE, DISCARD, INSERT_DEAD_LETTER, RECLAIM_EXPIRED, RETRY_NOW, SETTLE, deadLetterFromRow } from './dead-letter.sql.js';

type Row = Record<string, unknown>;

/** The default dead-letter store: the table `dead_letters` (migrations 1765000000000 and 1765100000000) next to `error_logs`. */
export class TypeOrmDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly migrationsRun: boolean,
    private readonly embedded = false,
  ) {}

  connect(): Promise<void> {
    return connectDataSource(this.dataSource, this.migrationsRun);
  }

  async insert(letter: DeadLetterRecord): Promise<void> {
    await this.write(INSERT_DEAD_LETTER, [
      letter.id,
      letter.createdAt.toISOString(),
      storableText(letter.service).slice(0, 100),
      letter.contextType,
      storableText(letter.operation).slice(0, 500),
      storableJson(letter.payload),
      letter.attempts,
      letter.errorLogId,
      storableText(letter.errorMessage),
      letter.status,
      storableText(letter.handler).slice(0, 200),
      letter.maxAttempts,
      letter.nextAttemptAt?.toISOString() ?? null,
      letter.updatedAt.toISOString(),
    ]);
  }

  async list(query: DeadLetterQuery): Promise<Page<DeadLetterRecord>> {
    const { clauses, params } = whereEquals([['service', query.service], ['status', query.status], ['operation', query.operation]]);
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const [{ count }] = await this.dataSource.query<{ count: string | number }[]>(`SELECT count(*) AS "count" FROM "dead_letters" ${where}`, params);
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM "dead_letters" ${where} ORDER BY "created_at" DESC, "id" LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, (query.page - 1) * query.limit],
    );
    return { items: rows.map(deadLetterFromRow), total: Number(count), page: query.page, limit: query.limit };
  }

  async findById(id: string): Promise<DeadLetterRecord | null> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM "dead_letters" WHERE "id" = $1::uuid`, [id]);
    return rows.length === 0 ? null : deadLetterFromRow(rows[0]);
  }

  async claimDue(service: string, handlers: readonly string[], owner: string, now: Date, leaseUntil: Date, limit: number): Promise<DeadLetterRecord[]> {
    if (handlers.length === 0 || limit <= 0) return [];
    const rows = returned(await this.write(CLAIM_DUE, [handlers, owner.slice(0, 100), now.toISOString(), leaseUntil.toISOString(), limit, service]));
    return rows.map(deadLetterFromRow);
  }

  async settle(id: string, owner: string, outcome: DeadLetterSettlement, now: Date): Promise<boolean> {
    const message = outcome.kind === 'succeeded' ? null : storableText(outcome.errorMessage);
    const next = outcome.kind === 'failed' ? outcome.nextAttemptAt.toISOString() : null;
    const rows = returned(await this.write(SETTLE, [id, owner.slice(0, 100), outcome.kind === 'failed' ? 'pending' : outcome.kind, message, next, now.toISOString()]));
    return rows.length > 0;
  }

  async reclaimExpired(service: string, now: Date): Promise<ReclaimResult> {
    const rows = returned(await this.write(RECLAIM_EXPIRED, [now.toISOString(), service]));
    return { reclaimed: rows.filter((r) => r.status === 'pending').length, exhausted: rows.filter((r) => r.status === 'exhausted').map((r) => String(r.id)) };
  }

  async retryNow(id: string, now: Date): Promise<DeadLetterRecord | null> {
    const rows = returned(await this.write(RETRY_NOW, [id, now.toISOString()]));
    return rows.length === 0 ? null : deadLetterFromRow(rows[0]);
  }

  async discard(id: string, now: Date): Promise<DeadLetterRecord | null> {
    const rows = returned(await this.write(DISCARD, [id, now.toISOString()]));
    return rows.length === 0 ? null : deadLetterFromRow(rows[0]);
  }

  async counts(service?: string): Promise<DeadLetterCounts> {
    const { clauses, params } = whereEquals([['service', service]]);
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const rows = await this.dataSource.query<{ status: string; count: string | number }[]>(`SELECT "status", count(*) AS "count" FROM "dead_letters" ${where} GROUP BY "status"`, params);
    const counts = Object.fromEntries(DEAD_LETTER_STATUSES.map((s) => [s, 0])) as DeadLetterCounts;
    for (const row of rows) if (row.status in counts) counts[row.status as keyof DeadLetterCounts] = Number(row.count);
    return counts;
  }

  close(): Promise<void> {
    return closeDataSource(this.dataSource);
  }

  /** On the embedded PGlite, never in the middle of another write's transaction (one session). */
  private write(sql: string, params: unknown[]): Promise<unknown> {
    const run = (): Promise<unknown> => this.dataSource.query(sql, params);
    return this.embedded ? serialiseEmbedded(run) : run();
  }
}
