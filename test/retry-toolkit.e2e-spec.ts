import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { RecoveryEvents, RetryPolicies, runInTransaction, type RetryAttemptEvent, type RetryGaveUpEvent } from '../src/error-recovery/index.js';
import { QuoteClient, RetryToolkitModule } from './fixtures/retry-toolkit.module.js';
import { flushed, rowsOf, startApp } from './support/app.js';
import { DATABASE_URL, testDatabase, uniqueService, usingPostgres } from './support/database.js';

const TOKEN = 'retry-toolkit-admin-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
/** A table of its own: runs share one PostgreSQL. */
const table = `rt_ledger_${randomUUID().slice(0, 8)}`;

/** Resolves for every caller once `parties` callers wait; after 5 s regardless, so a test never hangs. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const timer = setTimeout(open, 5000);
  return () => {
    if (++waiting >= parties) {
      clearTimeout(timer);
      open();
    }
    return opened;
  };
}

describe('retry toolkit: @Retry on providers, RetryPolicies, runInTransaction', () => {
  let app: INestApplication;
  let service: string;
  let dataSource: DataSource;
  const attempts: RetryAttemptEvent[] = [];
  const gaveUp: RetryGaveUpEvent[] = [];
  const server = () => app.getHttpServer() as Parameters<typeof request>[0];
  const policy = async (name: string): Promise<Record<string, unknown> | undefined> => {
    const res = await request(server()).get('/api/errors/retry-policies').set(auth).expect(200);
    return (res.body.items as Record<string, unknown>[]).find((item) => item.name === name);
  };

  beforeAll(async () => {
    service = uniqueService('retry-toolkit');
    app = await startApp([RetryToolkitModule.forRoot({ service, environment: 'production', adminToken: TOKEN, database: testDatabase() })]);
    app.get(RecoveryEvents).on('retry.attempt', (e) => attempts.push(e));
    app.get(RecoveryEvents).on('retry.gave_up', (e) => gaveUp.push(e));
    const connection = DATABASE_URL ? { url: DATABASE_URL, poolSize: 4 } : { driver: new PGliteDriver({}).driver };
    dataSource = new DataSource({ type: 'postgres', ...connection, logging: false } as DataSourceOptions);
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE "${table}" (id serial PRIMARY KEY, label text NOT NULL, seq int NOT NULL)`);
  });
  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => undefined);
    await app.close();
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
  });
  beforeEach(() => {
    attempts.length = 0;
    gaveUp.length = 0;
  });

  describe('@Retry() on a provider method', () => {
    it('an async method answers after its failures, with the module clock, stats and events', async () => {
      await request(server()).get('/quotes/a').query({ failures: 2 }).expect(200, { key: 'a', calls: 3 });
      expect(attempts.map((e) => [e.policy, e.attempt, e.delayMs])).toEqual([['quotes', 1, 5], ['quotes', 2, 10]]);
      expect(await policy('quotes')).toMatchObject({ executions: 1, attempts: 3, retries: 2, successes: 1, give_ups: 0, retries_per_success: 2 });
    });

    it('a sync method stays sync and is retried at once, reported under its preset', async () => {
      await request(server()).get('/quotes/s/sync').query({ failures: 1 }).expect(200, { key: 's', calls: 2 });
      expect(attempts).toEqual([expect.objectContaining({ policy: 'network', attempt: 1, delayMs: 0 })]);
      expect(await policy('network')).toMatchObject({ attempts: 2, retries: 1, successes: 1 });
    });

    it('on a route handler (above @Get) the route, its parameters and pipes still work', async () => {
      await request(server()).get('/quotes/d/direct').query({ failures: 2 }).expect(200, { key: 'd', calls: 3 });
      await request(server()).get('/quotes/d/direct').query({ failures: 'x' }).expect(400);
      expect(await policy('direct')).toMatchObject({ attempts: 3, successes: 1 });
    });

    it('gives up after maxAttempts: the error reaches the filter, is stored once and counted', async () => {
      const res = await request(server()).get('/quotes/z').query({ failures: 99 });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(app.get(QuoteClient).calls.get('z')).toBe(4);
      expect(gaveUp).toEqual([expect.objectContaining({ policy: 'quotes', attempts: 4, reason: 'attempts_exhausted' })]);
      await flushed(app);
      const rows = await rowsOf(service);
      expect(rows.filter((r) => String(r.message).includes('quotes z'))).toHaveLength(1);
      expect(await policy('quotes')).toMatchObject({ give_ups: 1, give_up_reasons: expect.objectContaining({ attempts_exhausted: 1 }) });
    });

    it('GET /api/errors/retry-policies is an admin endpoint and lists the valid names', async () => {
      await request(server()).get('/api/errors/retry-policies').expect(401);
      const res = await request(server()).get('/api/errors/retry-policies').set(auth).expect(200);
      expect(res.body.names).toEqual(['ai_model', 'database', 'network', 'external_api']);
    });

    it('RetryPolicies is injectable and refuses an unknown name with the valid ones', () => {
      expect(() => app.get(RetryPolicies).get('ai-model')).toThrow(/Use one of: ai_model, database, network, external_api/);
    });
  });

  describe('runInTransaction', () => {
    const labels = async (): Promise<string[]> =>
      ((await dataSource.query(`SELECT label FROM "${table}" ORDER BY id`)) as { label: string }[]).map((r) => r.label);

    it('a non-retryable error rolls back (the row is absent) and is rethrown, after one run', async () => {
      let runs = 0;
      const failing = runInTransaction(dataSource, async (manager) => {
        runs++;
        await manager.query(`INSERT INTO "${table}" (label, seq) VALUES ('doomed', 0)`);
        throw new Error('invoice total does not match its lines');
      });
      await expect(failing).rejects.toThrow('invoice total does not match its lines');
      expect(runs).toBe(1);
      expect(await labels()).not.toContain('doomed');
    });

    it('a constraint violation (23505) is not re-run either', async () => {
      let runs = 0;
      const duplicate = runInTransaction(dataSource, async (manager) => {
        runs++;
        await manager.query(`INSERT INTO "${table}" (id, label, seq) VALUES (-1, 'dup', 0), (-1, 'dup', 0)`);
      });
      await expect(duplicate).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '23505' }) });
      expect(runs).toBe(1);
      expect(await labels()).not.toContain('dup');
    });

    it('commits what the work did and answers its value', async () => {
      const value = await runInTransaction(dataSource, async (manager) => {
        await manager.query(`INSERT INTO "${table}" (label, seq) VALUES ('single', 0)`);
        return 'done';
      });
      expect(value).toBe('done');
      expect(await labels()).toContain('single');
      await dataSource.query(`DELETE FROM "${table}"`);
    });

    (usingPostgres ? it : it.skip)('two conflicting SERIALIZABLE transactions: one gets 40001, is re-run, both commit correctly', async () => {
      const bothRead = barrier(2);
      const append = (label: string): Promise<number> =>
        runInTransaction(dataSource, async (manager, attempt) => {
          const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM "${table}" WHERE label LIKE 'seq-%'`)) as { n: number }[];
          // Both read the count before either writes: the write skew SERIALIZABLE must refuse.
          if (attempt === 1) await bothRead();
          await manager.query(`INSERT INTO "${table}" (label, seq) VALUES ($1, $2)`, [label, n + 1]);
          return attempt;
        });
      const runs = await Promise.all([append('seq-a'), append('seq-b')]);
      expect(runs.sort()).toEqual([1, 2]);
      const rows = (await dataSource.query(`SELECT seq FROM "${table}" WHERE label LIKE 'seq-%' ORDER BY seq`)) as { seq: number }[];
      // Without the re-run both would have written 1.
      expect(rows.map((r) => r.seq)).toEqual([1, 2]);
      expect(attempts).toEqual([expect.objectContaining({ policy: 'database', attempt: 1, error: expect.stringMatching(/could not serialize/) })]);
      expect(await policy('database')).toMatchObject({ retries: 1, successes: expect.any(Number) });
    });
  });
});
