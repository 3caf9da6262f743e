import type { ContextType } from '../common/context-type.js';
import type { JsonValue } from '../common/safe-serialize.js';
import type { DeadLetterRecord, DeadLetterStatus } from './dead-letter-store.interface.js';

/** Columns of an insert, in the order of {@link INSERT_DEAD_LETTER}'s parameters. */
export const INSERT_DEAD_LETTER = `INSERT INTO "dead_letters"
  ("id", "created_at", "service", "context_type", "operation", "payload", "attempts", "error_log_id", "error_message",
   "status", "handler", "max_attempts", "next_attempt_at", "updated_at")
  VALUES ($1::uuid, $2, $3, $4, $5, $6::jsonb, $7, $8::uuid, $9, $10, $11, $12, $13, $14)
  ON CONFLICT ("id") DO NOTHING`;

/**
 * One statement, so one transaction: the inner SELECT locks the due rows it picks and skips rows
 * another instance has locked, the UPDATE leases them. Two instances never get the same row.
 */
export const CLAIM_DUE = `UPDATE "dead_letters" SET "status" = 'retrying', "lease_owner" = $2, "lease_expires_at" = $4, "updated_at" = $3
  WHERE "id" IN (
    SELECT "id" FROM "dead_letters"
    WHERE "status" = 'pending' AND "next_attempt_at" <= $3 AND "service" = $6 AND "handler" = ANY($1::varchar[])
    ORDER BY "next_attempt_at", "id" LIMIT $5
    FOR UPDATE SKIP LOCKED)
  RETURNING *`;

/** Ends a run of the owner's lease: `$3` status, `$4` message (null: keep), `$5` next due time. */
export const SETTLE = `UPDATE "dead_letters" SET "status" = $3, "attempts" = "attempts" + 1,
    "error_message" = COALESCE($4, "error_message"), "next_attempt_at" = $5, "updated_at" = $6,
    "lease_owner" = NULL, "lease_expires_at" = NULL
  WHERE "id" = $1::uuid AND "status" = 'retrying' AND "lease_owner" = $2
  RETURNING "id"`;

/**
 * Items whose lease ran out: the process running them died (or hung past the lease). Their run
 * counts as an attempt, so work that crashes the process cannot loop for ever: on its last allowed
 * one it becomes `exhausted`. Row locks make a concurrent reclaim by another instance skip them.
 */
export const RECLAIM_EXPIRED = `UPDATE "dead_letters" SET "attempts" = "attempts" + 1,
    "status" = CASE WHEN "attempts" + 1 >= "max_attempts" THEN 'exhausted' ELSE 'pending' END,
    "next_attempt_at" = CASE WHEN "attempts" + 1 >= "max_attempts" THEN NULL ELSE $1 END,
    "error_message" = 'the process running it (' || COALESCE("lease_owner", '?') || ') stopped before the run ended; last error: ' || "error_message",
    "lease_owner" = NULL, "lease_expires_at" = NULL, "updated_at" = $1
  WHERE "status" = 'retrying' AND "lease_expires_at" <= $1 AND "service" = $2
  RETURNING "id", "status"`;

/** Due now, with one more run allowed whatever it used; never a running or succeeded item. */
export const RETRY_NOW = `UPDATE "dead_letters" SET "status" = 'pending', "next_attempt_at" = $2, "replayed_at" = $2, "updated_at" = $2,
    "max_attempts" = GREATEST("max_attempts", "attempts" + 1)
  WHERE "id" = $1::uuid AND "status" IN ('pending', 'exhausted', 'discarded')
  RETURNING *`;

/** An operator gives it up; a running item's run then cannot settle it (its lease is gone). */
export const DISCARD = `UPDATE "dead_letters" SET "status" = 'discarded', "next_attempt_at" = NULL, "updated_at" = $2,
    "lease_owner" = NULL, "lease_expires_at" = NULL
  WHERE "id" = $1::uuid AND "status" <> 'succeeded'
  RETURNING *`;

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
const asText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A row of `dead_letters` (PostgreSQL or PGlite) as a record. */
export function deadLetterFromRow(row: Record<string, unknown>): DeadLetterRecord {
  return {
    id: String(row.id),
    createdAt: asDate(row.created_at) ?? new Date(0),
    service: String(row.service),
    contextType: String(row.context_type) as ContextType,
    operation: String(row.operation),
    handler: asText(row.handler) ?? String(row.operation),
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as JsonValue,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts ?? row.attempts),
    status: (asText(row.status) ?? 'exhausted') as DeadLetterStatus,
    nextAttemptAt: asDate(row.next_attempt_at),
    errorLogId: asText(row.error_log_id),
    errorMessage: String(row.error_message),
    replayedAt: asDate(row.replayed_at),
    updatedAt: asDate(row.updated_at) ?? asDate(row.created_at) ?? new Date(0),
    leaseOwner: asText(row.lease_owner),
    leaseExpiresAt: asDate(row.lease_expires_at),
  };
}
