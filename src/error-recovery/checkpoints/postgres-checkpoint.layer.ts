import type { DataSource } from 'typeorm';
import { connectDataSource } from '../persistence/connect-data-source.js';
import { serialiseEmbedded } from '../persistence/embedded-serial.js';
import type { StoredCheckpoint } from './stored-checkpoint.js';

const UPSERT = `INSERT INTO "checkpoints" ("service", "key", "state", "saved_at", "expires_at")
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT ("service", "key") DO UPDATE SET "state" = EXCLUDED."state", "saved_at" = EXCLUDED."saved_at", "expires_at" = EXCLUDED."expires_at"`;

/** Small batches keep each purge short, and its locks few, however many rows expired at once. */
const PURGE = `DELETE FROM "checkpoints" WHERE ctid IN (SELECT ctid FROM "checkpoints" WHERE "expires_at" <= $1 LIMIT $2)`;

/** TypeORM answers a DELETE with `[rows, rowCount]` (a SELECT with the rows). */
const deletedRows = <T>(result: unknown): T[] => (Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : []);

const toMs = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());

/**
 * The store of record: the table `checkpoints` (migration 1765200000000) on the module's
 * DataSource, one row per (service, key). The state is kept as text, not jsonb, so it comes back
 * exactly as saved (jsonb reorders keys and refuses `\u0000`).
 */
export class PostgresCheckpointLayer {
  private readonly service: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly migrationsRun: boolean,
    private readonly embedded: boolean,
    service: string,
  ) {
    // The column's width, as the other tables keep it.
    this.service = service.slice(0, 100);
  }

  async write(key: string, entry: StoredCheckpoint, now: number): Promise<void> {
    await this.query(UPSERT, [this.service, key, entry.json, new Date(now).toISOString(), new Date(entry.expiresAt).toISOString()]);
  }

  /** The live row of `key`; an expired one is deleted on the way (lazy purge). */
  async read(key: string, now: number): Promise<StoredCheckpoint | undefined> {
    const rows = await this.query<{ state: string; expires_at: unknown }[]>(`SELECT "state", "expires_at" FROM "checkpoints" WHERE "service" = $1 AND "key" = $2`, [this.service, key]);
    if (rows.length === 0) return undefined;
    const expiresAt = toMs(rows[0].expires_at);
    if (expiresAt <= now) {
      await this.query(`DELETE FROM "checkpoints" WHERE "service" = $1 AND "key" = $2 AND "expires_at" <= $3`, [this.service, key, new Date(now).toISOString()]);
      return undefined;
    }
    return { json: rows[0].state, expiresAt };
  }

  /** True when a live row was deleted. */
  async remove(key: string, now: number): Promise<boolean> {
    const result = await this.query<unknown>(`DELETE FROM "checkpoints" WHERE "service" = $1 AND "key" = $2 RETURNING "expires_at"`, [this.service, key]);
    return deletedRows<{ expires_at: unknown }>(result).some((row) => toMs(row.expires_at) > now);
  }

  /** Deletes up to `limit` expired rows (of any service); the number deleted. */
  async purgeExpired(now: number, limit: number): Promise<number> {
    const result = await this.query<unknown>(`${PURGE} RETURNING 1`, [new Date(now).toISOString(), limit]);
    return deletedRows(result).length;
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T> {
    await connectDataSource(this.dataSource, this.migrationsRun);
    // On the embedded PGlite, never inside another write's transaction (one session).
    const run = (): Promise<T> => this.dataSource.query<T>(sql, params);
    return this.embedded ? serialiseEmbedded(run) : run();
  }
}
