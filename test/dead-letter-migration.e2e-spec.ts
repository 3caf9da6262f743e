import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { CreateErrorLogs1763800000000 } from '../migrations/1763800000000-CreateErrorLogs.js';
import { ErrorContextsAndDeadLetters1765000000000 } from '../migrations/1765000000000-ErrorContextsAndDeadLetters.js';
import { DeadLetterQueue1765100000000 } from '../migrations/1765100000000-DeadLetterQueue.js';
import { DATABASE_URL, usingPostgres } from './support/database.js';

/**
 * The migration on a table that already holds dead letters of issue 10, in a schema of its own: the
 * old rows had no handler and were kept for a replay by hand, so they must read as `exhausted`
 * (nothing runs them by itself) with their handler, attempts and times filled.
 */
(usingPostgres ? describe : describe.skip)('migration DeadLetterQueue1765100000000', () => {
  const schema = `t_dlq_migration_${randomUUID().slice(0, 8)}`;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  const runner = { query: (sql: string, params?: unknown[]) => client.query(sql, params).then((r) => r.rows) } as unknown as QueryRunner;

  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`SET search_path TO "${schema}"`);
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client.end();
  });

  it('turns existing rows into exhausted items of the handler named like their operation, and can be reverted', async () => {
    await new CreateErrorLogs1763800000000().up(runner);
    await new ErrorContextsAndDeadLetters1765000000000().up(runner);
    const id = randomUUID();
    await client.query(
      `INSERT INTO dead_letters (id, created_at, service, context_type, operation, payload, attempts, error_message) VALUES ($1, '2026-12-01T10:00:00Z', 'orders', 'rpc', 'orders.created', '{"id":1}', 3, 'boom')`,
      [id],
    );
    await new DeadLetterQueue1765100000000().up(runner);
    // Run twice (two instances starting at once, a re-run by hand): nothing changes, nothing fails.
    await new DeadLetterQueue1765100000000().up(runner);
    const [row] = (await client.query(`SELECT * FROM dead_letters WHERE id = $1`, [id])).rows as Record<string, unknown>[];
    expect(row).toMatchObject({ status: 'exhausted', handler: 'orders.created', attempts: 3, max_attempts: 3, next_attempt_at: null, lease_owner: null });
    expect((row.updated_at as Date).toISOString()).toBe('2026-12-01T10:00:00.000Z');
    // New rows are pending by default.
    await client.query(`INSERT INTO dead_letters (id, created_at, updated_at, service, context_type, operation, handler, attempts, max_attempts, error_message) VALUES ($1, now(), now(), 'orders', 'job', 'x', 'x', 0, 5, '')`, [randomUUID()]);
    expect((await client.query(`SELECT status FROM dead_letters WHERE operation = 'x'`)).rows).toEqual([{ status: 'pending' }]);
    const indexes = (await client.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'dead_letters' ORDER BY indexname`, [schema])).rows.map((r: { indexname: string }) => r.indexname);
    expect(indexes).toEqual(expect.arrayContaining(['idx_dead_letters_due', 'idx_dead_letters_lease', 'idx_dead_letters_status']));
    await new DeadLetterQueue1765100000000().down(runner);
    const columns = (await client.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'dead_letters'`, [schema])).rows.map((r: { column_name: string }) => r.column_name);
    expect(columns).not.toContain('status');
    expect(columns).toContain('replayed_at');
  });
});
