import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates `error_logs` and `recovery_actions` with the indexes the summary and list queries use. */
export class CreateErrorLogs1763800000000 implements MigrationInterface {
  name = 'CreateErrorLogs1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "error_logs" (
        "id" uuid PRIMARY KEY,
        "occurred_at" timestamptz NOT NULL,
        "service" varchar(100) NOT NULL,
        "environment" varchar(50) NOT NULL,
        "error_type" varchar(100) NOT NULL,
        "category" varchar(30) NOT NULL,
        "severity" varchar(10) NOT NULL CHECK ("severity" IN ('critical', 'high', 'medium', 'low')),
        "http_status" smallint NOT NULL,
        "transient" boolean NOT NULL,
        "message" text NOT NULL,
        "stack" text,
        "fingerprint" varchar(64) NOT NULL,
        "method" varchar(10),
        "route" varchar(500),
        "path" varchar(2000),
        "request_id" varchar(200),
        "context" jsonb NOT NULL DEFAULT '{}',
        "resolved" boolean NOT NULL DEFAULT false,
        "resolved_at" timestamptz,
        "recovery_attempted" boolean NOT NULL DEFAULT false,
        "recovery_success" boolean,
        "recovery_strategy" varchar(50)
      )`);
    // Summary and list: time window, optionally per service.
    await queryRunner.query(`CREATE INDEX "idx_error_logs_occurred_at" ON "error_logs" ("occurred_at")`);
    await queryRunner.query(
      `CREATE INDEX "idx_error_logs_service_occurred_at" ON "error_logs" ("service", "occurred_at")`,
    );
    // Grouping the same bug (alert deduplication, "occurrences in the window").
    await queryRunner.query(
      `CREATE INDEX "idx_error_logs_fingerprint" ON "error_logs" ("fingerprint", "occurred_at")`,
    );
    // The unresolved backlog is what people look at; keep that index small.
    await queryRunner.query(
      `CREATE INDEX "idx_error_logs_unresolved" ON "error_logs" ("occurred_at") WHERE "resolved" = false`,
    );
    await queryRunner.query(`
      CREATE TABLE "recovery_actions" (
        "id" uuid PRIMARY KEY,
        "error_log_id" uuid NOT NULL REFERENCES "error_logs" ("id") ON DELETE CASCADE,
        "position" int NOT NULL,
        "strategy" varchar(50) NOT NULL,
        "trigger" varchar(10) NOT NULL CHECK ("trigger" IN ('automatic', 'manual')),
        "success" boolean NOT NULL,
        "skipped" boolean NOT NULL,
        "message" text NOT NULL,
        "details" jsonb,
        "duration_ms" int NOT NULL,
        "started_at" timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_recovery_actions_error_log" ON "recovery_actions" ("error_log_id", "position")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "recovery_actions"`);
    await queryRunner.query(`DROP TABLE "error_logs"`);
  }
}
