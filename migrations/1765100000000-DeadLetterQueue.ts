import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Turns `dead_letters` into a queue: each row has a status (`pending`, `retrying`, `succeeded`,
 * `exhausted`, `discarded`), the handler that runs it, when it is due, how many runs it may take,
 * its last error and, while a process runs it, a lease (owner and expiry) so that a dead process's
 * items are reclaimed. Existing rows were kept for a manual replay and had no handler: they become
 * `exhausted` (terminal, nothing runs them by itself); an operator retries one with
 * `POST /api/errors/dead-letters/:id/retry` once a handler of that name exists.
 */
export class DeadLetterQueue1765100000000 implements MigrationInterface {
  name = 'DeadLetterQueue1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The default first fills the existing rows, then becomes `pending` for new ones.
    await queryRunner.query(`ALTER TABLE "dead_letters" ADD COLUMN IF NOT EXISTS "status" varchar(10) NOT NULL DEFAULT 'exhausted'`);
    await queryRunner.query(`ALTER TABLE "dead_letters" ALTER COLUMN "status" SET DEFAULT 'pending'`);
    await queryRunner.query(`ALTER TABLE "dead_letters" ADD COLUMN IF NOT EXISTS "handler" varchar(200)`);
    await queryRunner.query(`UPDATE "dead_letters" SET "handler" = left("operation", 200) WHERE "handler" IS NULL`);
    await queryRunner.query(`ALTER TABLE "dead_letters" ALTER COLUMN "handler" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "dead_letters" ADD COLUMN IF NOT EXISTS "max_attempts" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`UPDATE "dead_letters" SET "max_attempts" = "attempts" WHERE "max_attempts" = 0`);
    await queryRunner.query(`ALTER TABLE "dead_letters" ADD COLUMN IF NOT EXISTS "next_attempt_at" timestamptz`);
    await queryRunner.query(`ALTER TABLE "dead_letters" ADD COLUMN IF NOT EXISTS "updated_at" timestamptz`);
    await queryRunner.query(`UPDATE "dead_letters" SET "updated_at" = "created_at" WHERE "updated_at" IS NULL`);
    await queryRunner.query(`ALTER TABLE "dead_letters" ALTER COLUMN "updated_at" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "dead_letters" ADD COLUMN IF NOT EXISTS "lease_owner" varchar(100)`);
    await queryRunner.query(`ALTER TABLE "dead_letters" ADD COLUMN IF NOT EXISTS "lease_expires_at" timestamptz`);
    // What the processor asks every few seconds: due pending items, and leases that ran out.
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "idx_dead_letters_due" ON "dead_letters" ("next_attempt_at") WHERE "status" = 'pending'`);
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "idx_dead_letters_lease" ON "dead_letters" ("lease_expires_at") WHERE "status" = 'retrying'`);
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "idx_dead_letters_status" ON "dead_letters" ("status", "created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "idx_dead_letters_status"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "idx_dead_letters_lease"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "idx_dead_letters_due"`);
    for (const column of ['lease_expires_at', 'lease_owner', 'updated_at', 'next_attempt_at', 'max_attempts', 'handler', 'status']) {
      await queryRunner.query(`ALTER TABLE "dead_letters" DROP COLUMN IF EXISTS "${column}"`);
    }
  }
}
