import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Clock } from '../src/error-recovery/index.js';
import { calls, RetryModule } from './fixtures/retry.module.js';
import { actionsOf, flushed, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** Time stands still (one window of the retry budget) and retry delays take no time. */
const clock: Clock = { now: () => Date.parse('2026-12-03T10:00:00Z'), sleep: async () => undefined };

describe('retry budget per route', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp([RetryModule.forRoot({ service: uniqueService('retry-budget'), environment: 'production', database: testDatabase(), clock })]);
  });
  afterAll(() => app.close());

  it('cuts a storm of failing requests to the budget, while a 30 %-flaky route still gets its retries', async () => {
    const server = app.getHttpServer();
    let last = '';
    for (let i = 0; i < 40; i++) {
      const res = await request(server).get('/r/down').expect(503);
      last = res.body.error.error_id as string;
    }
    // Without a budget: 40 requests × (1 + 3 retries) = 160 calls. With it: ≤ 40 + 50 % × 40 + 10.
    expect(calls.down).toBeLessThanOrEqual(70);
    expect(calls.down).toBeGreaterThanOrEqual(60);
    await flushed(app);
    expect((await actionsOf(last)).map((a) => [a.strategy, a.skipped, a.message])).toEqual([
      ['retry', true, expect.stringMatching(/^retry budget exhausted \(\d+ retries for 40 requests in 10 s\)$/)],
    ]);

    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await request(server).get('/r/flaky')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
  });
});
