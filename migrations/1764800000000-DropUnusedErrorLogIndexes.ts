import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every index on `error_logs` is paid by every insert, and in an error storm inserts are what the
 * table does. No query of the module reads these two: nothing selects by fingerprint (alert
 * deduplication keeps its own tables), and `GET /api/errors?resolved=false` walks
 * `idx_error_logs_occurred_at` as fast as the partial index while most rows are unresolved (every
 * new row is). What stays: the primary key (idempotent inserts, `GET /api/errors/:id`),
 * `occurred_at` (list, summary window) and `service, occurred_at` (list and summary per service).
 */
export class DropUnusedErrorLogIndexes1764800000000 implements MigrationInterface {
  name = 'DropUnusedErrorLogIndexes1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "idx_error_logs_fingerprint"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "idx_error_logs_unresolved"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "idx_error_logs_fingerprint" ON "error_logs" ("fingerprint", "occurred_at")`);
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "idx_error_logs_unresolved" ON "error_logs" ("occurred_at") WHERE "resolved" = false`);
  }
}
