import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `checkpoints`: the progress of long operations (`CheckpointStore`), one row per service and key,
 * kept until `expires_at` (rows past it are purged in small batches). The state is JSON kept as
 * text so it reads back exactly as written.
 */
export class Checkpoints1765200000000 implements MigrationInterface {
  name = 'Checkpoints1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "checkpoints" (
        "service" varchar(100) NOT NULL,
        "key" varchar(200) NOT NULL,
        "state" text NOT NULL,
        "saved_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        PRIMARY KEY ("service", "key")
      )`,
    );
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "idx_checkpoints_expires_at" ON "checkpoints" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "checkpoints"`);
  }
}
