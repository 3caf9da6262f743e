import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Test } from '@nestjs/testing';
import type { Job, Queue } from 'bullmq';
import { QUEUE_NAME, QueueModule, runs } from './fixtures/queue.module.js';
import { flushed, rowsOf } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';
import { eventually } from './support/polling.js';

describe('BullMQ processors', () => {
  let app: INestApplication;
  let queue: Queue;
  const service = uniqueService('queue');

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [QueueModule.forRoot({ service, environment: 'production', adminToken: 't', database: testDatabase() })] }).compile();
    app = ref.createNestApplication({ logger: ['fatal'] });
    await app.init();
    queue = app.get<Queue>(getQueueToken(QUEUE_NAME));
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await app.close();
  });

  /** Waits until BullMQ has settled the job: completed, or failed for good. */
  const settled = (job: Job): Promise<string> => eventually(() => job.getState(), (state) => state === 'completed' || state === 'failed');

  const rowsOfJob = async (jobId: string | undefined): Promise<Record<string, unknown>[]> => {
    await flushed(app);
    return (await rowsOf(service)).filter((r) => (r.context as { jobId?: string }).jobId === jobId);
  };

  it('stores every failed attempt with its queue, job and attempt, and leaves the retries to BullMQ', async () => {
    const job = await queue.add('always-fails', { orderId: 41, password: 'hunter2' }, { attempts: 2, backoff: { type: 'fixed', delay: 20 } });
    expect(await settled(job)).toBe('failed');
    const done = await queue.getJob(job.id!);
    expect(done).toMatchObject({ attemptsMade: 2, failedReason: 'payment gateway refused order 41' });
    expect(runs['always-fails']).toBe(2);

    const rows = await rowsOfJob(job.id);
    expect(rows).toHaveLength(2);
    for (const [i, row] of rows.entries()) {
      expect(row).toMatchObject({ context_type: 'queue', operation: QUEUE_NAME, message: 'payment gateway refused order 41', resolved_at: null });
      expect(row.context).toEqual({ jobId: job.id, jobName: 'always-fails', attempt: i + 1, attempts: 2, data: { orderId: 41, password: '[Filtered]' } });
    }
    expect(JSON.stringify(rows)).not.toContain('hunter2');
  });

  it('a job that fails once and then succeeds: one row, and the job is completed', async () => {
    const job = await queue.add('fails-once', { orderId: 42 }, { attempts: 3, backoff: { type: 'fixed', delay: 20 } });
    expect(await settled(job)).toBe('completed');
    expect((await queue.getJob(job.id!))?.returnvalue).toEqual({ charged: 42 });

    const rows = await rowsOfJob(job.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ context_type: 'queue', operation: QUEUE_NAME, message: 'payment gateway timed out' });
    expect(rows[0].context).toMatchObject({ jobId: job.id, attempt: 1, attempts: 3 });
  });

  it('a job that succeeds leaves no row', async () => {
    const job = await queue.add('succeeds', { orderId: 43 });
    expect(await settled(job)).toBe('completed');
    expect(await rowsOfJob(job.id)).toEqual([]);
  });
});
