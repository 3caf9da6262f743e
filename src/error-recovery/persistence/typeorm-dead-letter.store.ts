import type { DataSource } from 'typeorm';
import type { ContextType } from '../common/context-type.js';
import type { JsonValue } from '../common/safe-serialize.js';
import { closeDataSource, connectDataSource } from './connect-data-source.js';
import type { DeadLetterQuery, DeadLetterRecord, DeadLetterStore } from './dead-letter-store.interface.js';
import { serialiseEmbedded } from './embedded-serial.js';
import type { Page } from './error-log-store.interface.js';
import { storableJson, storableText } from './storable-text.js';

const INSERT = `INSERT INTO "dead_letters"
  ("id", "created_at", "service", "context_type", "operation", "payload", "attempts", "error_log_id", "error_message")
  VALUES ($1::uuid, $2, $3, $4, $5, $6::jsonb, $7, $8::uuid, $9)
  ON CONFLICT ("id") DO NOTHING`;

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));

function toRecord(row: Record<string, unknown>): DeadLetterRecord {
  return {
    id: String(row.id),
    createdAt: asDate(row.created_at) ?? new Date(0),
    service: String(row.service),
    contextType: String(row.context_type) as ContextType,
    operation: String(row.operation),
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as JsonValue,
    attempts: Number(row.attempts),
    errorLogId: row.error_log_id === null || row.error_log_id === undefined ? null : String(row.error_log_id),
    errorMessage: String(row.error_message),
    replayedAt: asDate(row.replayed_at),
  };
}

/** The default dead-letter store: the table `dead_letters` (migration 1765000000000) next to `error_logs`. */
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
    const params = [
      letter.id,
      letter.createdAt.toISOString(),
      storableText(letter.service).slice(0, 100),
      letter.contextType,
      storableText(letter.operation).slice(0, 500),
      storableJson(letter.payload),
      letter.attempts,
      letter.errorLogId,
      storableText(letter.errorMessage),
    ];
    // On the embedded PGlite, never in the middle of another write's transaction (one session).
    const write = (): Promise<unknown> => this.dataSource.query(INSERT, params);
    await (this.embedded ? serialiseEmbedded(write) : write());
  }

  async list(query: DeadLetterQuery): Promise<Page<DeadLetterRecord>> {
    const where = query.service === undefined ? '' : `WHERE "service" = $1`;
    const filter = query.service === undefined ? [] : [query.service];
    const [{ count }] = await this.dataSource.query<{ count: string | number }[]>(`SELECT count(*) AS "count" FROM "dead_letters" ${where}`, filter);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM "dead_letters" ${where} ORDER BY "created_at" DESC, "id" LIMIT $${filter.length + 1} OFFSET $${filter.length + 2}`,
      [...filter, query.limit, (query.page - 1) * query.limit],
    );
    return { items: rows.map(toRecord), total: Number(count), page: query.page, limit: query.limit };
  }

  close(): Promise<void> {
    return closeDataSource(this.dataSource);
  }
}
