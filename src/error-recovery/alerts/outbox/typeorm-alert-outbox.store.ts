import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { closeDataSource, connectDataSource } from '../../persistence/connect-data-source.js';
import { serialiseEmbedded } from '../../persistence/embedded-serial.js';
import { storableJson, storableText } from '../../persistence/storable-text.js';
import type { Alert } from '../alert.interface.js';
import type { OutboxRow, PendingCandidate } from './alert-candidate.js';
import { insertRowsStatement, newOutboxRow, toOutboxRow } from './alert-outbox.rows.js';
import { returned } from '../../persistence/returned-rows.js';
import { whereEquals } from '../../persistence/where-equals.js';
import {
  BURST_UPSERT,
  CLAIM,
  DEDUP_UPSERT,
  EMAIL_CAP_LOCK_ID,
  EMAILS_IN_LAST_MINUTE,
  MAX_STATE_NOTICES,
  TAKE_DUE_DIGESTS,
} from './alert-outbox.sql.js';
import type {
  AlertOutboxStore,
  BurstEntry,
  ClaimRequest,
  DueDigest,
  EmailClaim,
  EnqueueResult,
  OutboxQuery,
} from './alert-outbox-store.interface.js';

const iso = (d: Date): string => d.toISOString();

/** The default outbox: tables `alert_outbox`, `alert_dedup` and `alert_bursts` on the module's DataSource. */
export class TypeOrmAlertOutboxStore implements AlertOutboxStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly migrationsRun: boolean,
    private readonly embedded = false,
  ) {}

  /** A single-statement write; on the embedded PGlite never inside another write's transaction. */
  private write(sql: string, params: unknown[]): Promise<unknown> {
    return this.embedded ? serialiseEmbedded(() => this.dataSource.query(sql, params)) : this.dataSource.query(sql, params);
  }

  private transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    // On the embedded PGlite, writes of the error log and the outbox run one at a time (one session).
    return this.embedded ? serialiseEmbedded(() => this.dataSource.transaction(work)) : this.dataSource.transaction(work);
  }

  connect(): Promise<void> {
    return connectDataSource(this.dataSource, this.migrationsRun);
  }

  async recordBursts(entries: readonly BurstEntry[], now: Date, windowMs: number, limit: number): Promise<Map<string, number>> {
    const cutoff = iso(new Date(now.getTime() - windowMs));
    // All or none: a retry after a partial write would count the same occurrences twice.
    return this.transaction(async (manager) => {
      const counts = new Map<string, number>();
      for (const entry of entries) {
        const times = entry.times.map((t) => new Date(t).toISOString());
        const rows = returned(await manager.query(BURST_UPSERT, [storableText(entry.key), times, iso(now), cutoff, limit]));
        counts.set(entry.key, Number(rows[0]?.count ?? 0));
      }
      return counts;
    });
  }

  async enqueue(
    pending: readonly PendingCandidate[],
    now: Date,
    windowMs: number,
    finish: (alert: Alert, extra: { carried: number; carriedSince: Date | null }) => Alert,
  ): Promise<EnqueueResult[]> {
    const cutoff = iso(new Date(now.getTime() - windowMs));
    const results: EnqueueResult[] = [];
    // One transaction per key: the dedup decision and the rows it queues land together or not at all.
    for (const { candidate, count } of pending) {
      const template = { alert: candidate.alert, routes: candidate.routes };
      const queued = await this.transaction(async (manager) => {
        const [decision] = returned(
          await manager.query(DEDUP_UPSERT, [
            storableText(candidate.dedupKey),
            iso(now),
            cutoff,
            count,
            candidate.summarize,
            storableJson(template),
            randomUUID(),
            candidate.state ?? null,
            MAX_STATE_NOTICES,
          ]),
        );
        if (decision?.fire !== true) return false;
        const carriedSince = decision.carried_since ? new Date(decision.carried_since as string | Date) : null;
        const alert = finish(candidate.alert, { carried: Number(decision.carried ?? 0), carriedSince });
        const rows = candidate.routes.map((r) => newOutboxRow(randomUUID(), alert, r.channel, r.recipients, candidate.dedupKey, now));
        await this.insert(manager, rows);
        return true;
      });
      results.push({ dedupKey: candidate.dedupKey, queued });
    }
    return results;
  }

  async insertRows(rows: readonly OutboxRow[]): Promise<void> {
    await this.transaction((manager) => this.insert(manager, rows));
  }

  async takeDueDigests(now: Date, windowMs: number, limit: number, build: (due: DueDigest) => OutboxRow[]): Promise<number> {
    return this.transaction(async (manager) => {
      const due = returned(await manager.query(TAKE_DUE_DIGESTS, [iso(new Date(now.getTime() - windowMs)), limit, iso(now)]));
      const rows = due.flatMap((d) =>
        build({
          key: String(d.key),
          count: Number(d.suppressed),
          since: new Date(d.suppressed_since as string | Date),
          template: (typeof d.template === 'string' ? JSON.parse(d.template) : d.template) as DueDigest['template'],
        }),
      );
      await this.insert(manager, rows);
      return due.length;
    });
  }

  async claim(request: ClaimRequest, channels: readonly string[]): Promise<OutboxRow[]> {
    if (channels.length === 0) return [];
    return this.transaction((manager) => this.claimWith(manager, request, channels));
  }

  async claimEmails(request: ClaimRequest, perMinute: number): Promise<EmailClaim> {
    return this.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(${EMAIL_CAP_LOCK_ID})`);
      const [used] = returned(
        await manager.query(EMAILS_IN_LAST_MINUTE, [iso(new Date(request.now.getTime() - 60_000)), iso(request.now)]),
      );
      const capacity = perMinute - Number(used?.n ?? 0);
      const nextFreeAt = used?.oldest ? new Date(new Date(used.oldest as string | Date).getTime() + 60_000) : null;
      if (capacity <= 0) return { rows: [], capacity: 0, nextFreeAt };
      return { rows: await this.claimWith(manager, request, ['email']), capacity, nextFreeAt };
    });
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.write(
      `UPDATE "alert_outbox" SET "status" = 'sent', "sent_at" = $2::timestamptz, "updated_at" = $2::timestamptz,
              "lease_until" = NULL, "last_error" = NULL WHERE "id" = $1::uuid AND "status" = 'sending'`,
      [id, iso(now)],
    );
  }

  async markFailed(id: string, worker: string, attempts: number, now: Date, error: string, retryAt: Date | null): Promise<void> {
    await this.write(
      `UPDATE "alert_outbox" SET "status" = $4, "next_attempt_at" = $3::timestamptz, "last_error" = $5,
              "lease_until" = NULL, "updated_at" = $2::timestamptz
        WHERE "id" = $1::uuid AND "status" = 'sending' AND "claimed_by" = $6 AND "attempts" = $7::int`,
      [id, iso(now), iso(retryAt ?? now), retryAt ? 'pending' : 'exhausted', storableText(error.slice(0, 1000)), worker.slice(0, 100), attempts],
    );
  }

  async release(ids: readonly string[], worker: string, at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.write(
      `UPDATE "alert_outbox" SET "status" = 'pending', "attempts" = GREATEST(0, "attempts" - 1), "next_attempt_at" = $2::timestamptz,
              "lease_until" = NULL, "updated_at" = $2::timestamptz
        WHERE "id" = ANY($1::uuid[]) AND "status" = 'sending' AND "claimed_by" = $3`,
      [ids, iso(at), worker.slice(0, 100)],
    );
  }

  async fold(foldedIds: ReadonlyMap<string, string>, digests: readonly OutboxRow[], worker: string, now: Date): Promise<void> {
    await this.transaction(async (manager) => {
      await this.insert(manager, digests);
      for (const [id, into] of foldedIds) {
        await manager.query(
          `UPDATE "alert_outbox" SET "status" = 'folded', "folded_into" = $2::uuid, "lease_until" = NULL, "updated_at" = $3::timestamptz
            WHERE "id" = $1::uuid AND "status" = 'sending' AND "claimed_by" = $4`,
          [id, into, iso(now), worker.slice(0, 100)],
        );
      }
    });
  }

  async list(query: OutboxQuery): Promise<OutboxRow[]> {
    const { clauses: where, params } = whereEquals([['status', query.status], ['channel', query.channel], ['kind', query.kind]]);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM "alert_outbox" ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY "created_at" DESC, "id" LIMIT ${Math.max(1, Math.floor(query.limit))}`,
      params,
    );
    return rows.map(toOutboxRow);
  }

  async purge(before: Date, stateBefore: Date): Promise<number> {
    const deleted = returned(
      await this.write(
        `DELETE FROM "alert_outbox" WHERE "created_at" < $1::timestamptz AND "status" IN ('sent', 'exhausted', 'folded') RETURNING "id"`,
        [iso(before)],
      ),
    );
    await this.write(`DELETE FROM "alert_dedup" WHERE "updated_at" < $1::timestamptz AND "suppressed" = 0`, [iso(stateBefore)]);
    await this.write(`DELETE FROM "alert_bursts" WHERE "updated_at" < $1::timestamptz`, [iso(stateBefore)]);
    return deleted.length;
  }

  close(): Promise<void> {
    return closeDataSource(this.dataSource);
  }

  private async claimWith(manager: EntityManager, r: ClaimRequest, channels: readonly string[]): Promise<OutboxRow[]> {
    const rows = returned(
      await manager.query(CLAIM, [iso(r.now), iso(new Date(r.now.getTime() + r.leaseMs)), r.worker.slice(0, 100), r.limit, channels]),
    );
    return rows.map(toOutboxRow);
  }

  private async insert(manager: EntityManager, rows: readonly OutboxRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const { sql, params } = insertRowsStatement(rows.slice(i, i + 500));
      await manager.query(sql, params);
    }
  }
}
