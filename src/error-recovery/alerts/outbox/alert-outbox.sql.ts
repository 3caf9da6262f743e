/** State notices (e.g. breaker opened, closed, opened) told at once per key and window; more are counted. */
export const MAX_STATE_NOTICES = 4;

/** The key's window is still running. */
const ACTIVE = `d."window_started_at" > $3::timestamptz`;
/**
 * This occurrence is told now: the window ended (or the key is new), or it announces another state
 * than the last notice (a breaker closed, a recovered error that now fails) and the window has room.
 */
const FIRE = `(NOT ${ACTIVE} OR ($8::text IS NOT NULL AND d."last_state" IS DISTINCT FROM $8::text AND d."notices" < $9::int))`;

/**
 * Deduplication of one key, atomic across instances. Parameters: $1 key, $2 now, $3 window cutoff
 * (now − window), $4 occurrences in this flush (≥ 1), $5 summarise held-back occurrences, $6 the
 * alert template, $7 a fresh notice id, $8 the state the alert announces (or null), $9
 * {@link MAX_STATE_NOTICES}. `fire` says whether to send; occurrences held back since the last
 * notice move to `carried` when one is sent, so it can report them.
 */
export const DEDUP_UPSERT = `
INSERT INTO "alert_dedup" AS d ("key", "notice_id", "window_started_at", "notices", "last_state", "occurrences", "suppressed", "suppressed_since", "carried", "carried_since", "template", "updated_at")
VALUES ($1, $7::uuid, $2::timestamptz, 1, $8::text, $4::int,
        CASE WHEN $5::boolean THEN $4::int - 1 ELSE 0 END,
        CASE WHEN $5::boolean AND $4::int > 1 THEN $2::timestamptz END,
        0, NULL, $6::jsonb, $2::timestamptz)
ON CONFLICT ("key") DO UPDATE SET
  "notice_id" = CASE WHEN ${FIRE} THEN $7::uuid ELSE d."notice_id" END,
  "window_started_at" = CASE WHEN ${ACTIVE} THEN d."window_started_at" ELSE $2::timestamptz END,
  "notices" = CASE WHEN NOT ${ACTIVE} THEN 1 WHEN ${FIRE} THEN d."notices" + 1 ELSE d."notices" END,
  "last_state" = CASE WHEN ${FIRE} THEN $8::text ELSE d."last_state" END,
  "occurrences" = CASE WHEN ${ACTIVE} THEN d."occurrences" + $4::int ELSE $4::int END,
  "suppressed" = CASE
    WHEN NOT $5::boolean THEN 0
    WHEN ${FIRE} THEN $4::int - 1
    ELSE d."suppressed" + $4::int END,
  "suppressed_since" = CASE
    WHEN NOT $5::boolean THEN NULL
    WHEN ${FIRE} THEN (CASE WHEN $4::int > 1 THEN $2::timestamptz END)
    ELSE COALESCE(d."suppressed_since", $2::timestamptz) END,
  "carried" = CASE WHEN ${FIRE} THEN d."suppressed" ELSE d."carried" END,
  "carried_since" = CASE WHEN ${FIRE} THEN d."suppressed_since" ELSE d."carried_since" END,
  "template" = CASE WHEN ${FIRE} THEN $6::jsonb ELSE d."template" END,
  "updated_at" = $2::timestamptz
RETURNING ("notice_id" = $7::uuid) AS "fire", "occurrences", "carried", "carried_since"`;

/**
 * Appends occurrence times of one key and keeps the latest $5 within the window. Parameters: $1
 * key, $2 times, $3 now, $4 window cutoff, $5 how many to keep. Returns how many are in the window.
 */
export const BURST_UPSERT = `
INSERT INTO "alert_bursts" AS b ("key", "recent", "updated_at")
VALUES ($1, ARRAY(SELECT t FROM unnest($2::timestamptz[]) AS t WHERE t > $4::timestamptz ORDER BY t DESC LIMIT $5::int), $3::timestamptz)
ON CONFLICT ("key") DO UPDATE SET
  "recent" = ARRAY(SELECT t FROM unnest(b."recent" || $2::timestamptz[]) AS t WHERE t > $4::timestamptz ORDER BY t DESC LIMIT $5::int),
  "updated_at" = $3::timestamptz
RETURNING cardinality("recent") AS "count"`;

/** Keys whose window ended with held-back occurrences; reset in the same statement. $1 cutoff, $2 limit, $3 now. */
export const TAKE_DUE_DIGESTS = `
WITH due AS (
  SELECT "key", "suppressed", "suppressed_since", "template" FROM "alert_dedup"
   WHERE "suppressed" > 0 AND "window_started_at" <= $1::timestamptz
   ORDER BY "window_started_at" LIMIT $2::int FOR UPDATE SKIP LOCKED
), reset AS (
  UPDATE "alert_dedup" d SET "suppressed" = 0, "suppressed_since" = NULL, "updated_at" = $3::timestamptz
    FROM due WHERE d."key" = due."key"
)
SELECT * FROM due`;

/** Severity order of claims: the worst first, then the oldest. */
const ORDER = `CASE "severity" WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, "next_attempt_at", "id"`;

/**
 * Claims due rows of the channels $5 (text[]) — pending and due, or sending with an expired lease.
 * $1 now, $2 lease until, $3 worker, $4 limit. The attempt is counted here, so a row whose sending
 * crashes the worker every time still runs out of attempts.
 */
export const CLAIM = `
UPDATE "alert_outbox" o SET "status" = 'sending', "attempts" = o."attempts" + 1, "lease_until" = $2::timestamptz,
       "claimed_by" = $3, "updated_at" = $1::timestamptz
 WHERE o."id" IN (
   SELECT "id" FROM "alert_outbox"
    WHERE "channel" = ANY($5::text[])
      AND (("status" = 'pending' AND "next_attempt_at" <= $1::timestamptz)
        OR ("status" = 'sending' AND "lease_until" < $1::timestamptz))
    ORDER BY ${ORDER} LIMIT $4::int FOR UPDATE SKIP LOCKED)
RETURNING o.*`;

/**
 * E-mails sent in the last minute ($1: a minute ago), plus those being sent now under a live lease
 * ($2: now) — a row left in `sending` by a dead worker does not hold a slot — and when the oldest
 * of the sent ones leaves the minute.
 */
export const EMAILS_IN_LAST_MINUTE = `
SELECT count(*)::int AS "n",
       min("sent_at") FILTER (WHERE "status" = 'sent') AS "oldest"
  FROM "alert_outbox"
 WHERE "channel" = 'email'
   AND (("status" = 'sent' AND "sent_at" > $1::timestamptz) OR ("status" = 'sending' AND "lease_until" >= $2::timestamptz))`;

/** Lock id that serialises the e-mail cap's count-and-claim across instances. */
export const EMAIL_CAP_LOCK_ID = 7_351_937_282;
