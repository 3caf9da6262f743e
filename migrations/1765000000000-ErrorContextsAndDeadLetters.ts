import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Errors outside HTTP: `context_type` says where an error happened (http, graphql, rpc, ws, job,
 * queue, event, process) and `operation` what identifies the work (a GraphQL field, a message
 * pattern, a job or queue name). Existing rows are HTTP. `dead_letters` keeps the work that failed
 * for good after its retries (a microservice event, a job): its scrubbed payload and the error row it
 * ended with, so nothing is lost and an operator can replay it by hand.
 */
export class ErrorContextsAndDeadLetters1765000000000 implements MigrationInterface {
  name = 'ErrorContextsAndDeadLetters1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "error_logs" ADD COLUMN IF NOT EXISTS "context_type" varchar(10) NOT NULL DEFAULT 'http'`);
    await queryRunner.query(`ALTER TABLE "error_logs" ADD COLUMN IF NOT EXISTS "operation" varchar(500)`);
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "dead_letters" (
        "id" uuid PRIMARY KEY,
        "created_at" timestamptz NOT NULL,
        "service" varchar(100) NOT NULL,
        "context_type" varchar(10) NOT NULL,
        "operation" varchar(500) NOT NULL,
        "payload" jsonb NOT NULL DEFAULT '{}',
        "attempts" integer NOT NULL,
        "error_log_id" uuid,
        "error_message" text NOT NULL,
        "replayed_at" timestamptz
      )`,
    );
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "idx_dead_letters_created_at" ON "dead_letters" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "dead_letters"`);
    await queryRunner.query(`ALTER TABLE "error_logs" DROP COLUMN IF EXISTS "operation"`);
    await queryRunner.query(`ALTER TABLE "error_logs" DROP COLUMN IF EXISTS "context_type"`);
  }
}
