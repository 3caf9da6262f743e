import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert outbox (one row per alert and channel, delivered by the worker), the deduplication
 * windows and the recent occurrence times behind the "N times in M minutes" escalation.
 */
export class CreateAlertOutbox1764600000000 implements MigrationInterface {
  name = 'CreateAlertOutbox1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "alert_outbox" (
        "id" uuid PRIMARY KEY,
        "alert_id" uuid NOT NULL,
        "channel" varchar(40) NOT NULL,
        "kind" varchar(40) NOT NULL,
        "severity" varchar(10) NOT NULL,
        "dedup_key" varchar(300),
        "recipients" jsonb NOT NULL DEFAULT '[]',
        "alert" jsonb NOT NULL,
        "status" varchar(10) NOT NULL CHECK ("status" IN ('pending', 'sending', 'sent', 'exhausted', 'folded')),
        "attempts" int NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NOT NULL,
        "lease_until" timestamptz,
        "claimed_by" varchar(100),
        "last_error" text,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        "sent_at" timestamptz,
        "folded_into" uuid
      )`);
    // The worker's two claims: due rows, and rows whose worker's lease ran out.
    await queryRunner.query(`CREATE INDEX "idx_alert_outbox_due" ON "alert_outbox" ("next_attempt_at") WHERE "status" = 'pending'`);
    await queryRunner.query(`CREATE INDEX "idx_alert_outbox_lease" ON "alert_outbox" ("lease_until") WHERE "status" = 'sending'`);
    // The e-mail cap counts what was sent in the last minute.
    await queryRunner.query(`CREATE INDEX "idx_alert_outbox_sent" ON "alert_outbox" ("channel", "sent_at") WHERE "status" = 'sent'`);
    await queryRunner.query(`CREATE INDEX "idx_alert_outbox_created" ON "alert_outbox" ("created_at")`);
    await queryRunner.query(`
      CREATE TABLE "alert_dedup" (
        "key" varchar(300) PRIMARY KEY,
        "notice_id" uuid NOT NULL,
        "window_started_at" timestamptz NOT NULL,
        "notices" int NOT NULL DEFAULT 1,
        "last_state" varchar(40),
        "occurrences" int NOT NULL,
        "suppressed" int NOT NULL DEFAULT 0,
        "suppressed_since" timestamptz,
        "carried" int NOT NULL DEFAULT 0,
        "carried_since" timestamptz,
        "template" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_alert_dedup_digest" ON "alert_dedup" ("window_started_at") WHERE "suppressed" > 0`,
    );
    await queryRunner.query(`
      CREATE TABLE "alert_bursts" (
        "key" varchar(300) PRIMARY KEY,
        "recent" timestamptz[] NOT NULL,
        "updated_at" timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "alert_bursts"`);
    await queryRunner.query(`DROP TABLE "alert_dedup"`);
    await queryRunner.query(`DROP TABLE "alert_outbox"`);
  }
}
