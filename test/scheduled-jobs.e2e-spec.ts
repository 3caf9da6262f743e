import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Clock } from '../src/error-recovery/index.js';
import { HELD_RETRY_DELAY_MS, JobsModule, JobsService, RetryingJob } from './fixtures/jobs.module.js';
import { actionsOf, createApp, flushed, initApp, rowsOf } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';
import { eventually } from './support/polling.js';

/** Real time, except the poller's retry delay: it waits until the test releases it. */
class HoldingClock implements Clock {
  private releases: (() => void)[] = [];
  now(): number {
    return Date.now();
  }
  sleep(ms: number): Promise<void> {
    if (ms !== HELD_RETRY_DELAY_MS) return Promise.resolve();
    return new Promise((resolve) => this.releases.push(resolve));
  }
  get held(): number {
    return this.releases.length;
  }
  release(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

/** Keeps what the app logs as errors, with the logger's context (`Scheduler` for @nestjs/schedule). */
class ErrorLog implements LoggerService {
  readonly errors: { message: unknown; context: unknown }[] = [];
  log(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  error(message: unknown, ...rest: unknown[]): void {
    this.errors.push({ message, context: rest.at(-1) });
  }
}

describe('scheduled jobs (@nestjs/schedule)', () => {
  let app: INestApplication;
  let jobs: JobsService;
  const clock = new HoldingClock();
  const logged = new ErrorLog();
  const service = uniqueService('jobs');

  const rowOf = async (operation: string): Promise<Record<string, unknown>[]> => {
    await flushed(app);
    return (await rowsOf(service)).filter((r) => r.operation === operation);
  };
  /** The one row of `operation` once it is stored and `done` holds for it. */
  const storedRow = async (operation: string, done: (row: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> => {
    const rows = await eventually(() => rowOf(operation), (r) => r.length > 0 && done(r[0]), 5000);
    expect(rows).toHaveLength(1);
    return rows[0];
  };

  beforeAll(async () => {
    const ref = await Test.createTestingModule({
      imports: [JobsModule.forRoot({ service, environment: 'production', database: testDatabase(), clock, writer: { flushIntervalMs: 10 } })],
    }).compile();
    app = await initApp(await createApp(ref, { logger: logged }));
    jobs = app.get(JobsService);
  });
  afterAll(async () => {
    clock.release();
    await app?.close();
  });

  it('stores a @Timeout job that throws: one row, context_type job, the job name as operation, its schedule, the message scrubbed', async () => {
    const row = await storedRow('nightly-report');
    expect(row).toMatchObject({ context_type: 'job', message: 'report failed: smtp password=[Filtered]', context: { kind: 'timeout', schedule: 10 }, recovery_attempted: false });
    expect(jobs.runs.nightly).toBe(1);
  });

  it('retries a job with @BackgroundRetry that fails once: the row records the retry and the recovery', async () => {
    const row = await storedRow('flaky-sync', (r) => r.recovery_success === true);
    expect(row).toMatchObject({ context_type: 'job', recovery_success: true, recovery_strategy: 'retry', resolved: true });
    expect((await actionsOf(String(row.id))).map((a) => [a.strategy, a.success])).toEqual([['retry', true]]);
    expect(jobs.runs.flaky).toBe(2);
  });

  it('skips the ticks of an @Interval job while its retry is pending, and runs it again after', async () => {
    await eventually(async () => clock.held, (held) => held === 1, 5000);
    expect(jobs.runs.poller).toBe(1);
    // Ten ticks of 20 ms pass while the retry waits: none of them runs the job.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(jobs.runs.poller).toBe(1);
    clock.release();
    await eventually(async () => jobs.runs.poller, (runs) => runs >= 4, 5000);
    const row = await storedRow('poller', (r) => r.recovery_success === true);
    expect(row).toMatchObject({ context_type: 'job', context: { kind: 'interval', schedule: 20 } });
    expect((await actionsOf(String(row.id))).map((a) => [a.strategy, a.success])).toEqual([['retry', true]]);
  });

  it('runs a job that always fails as many times as its attempts, records each failed retry, and the scheduler still logs the error', async () => {
    const row = await storedRow('doomed-import', (r) => r.recovery_success === false);
    expect(jobs.runs.doomed).toBe(3);
    expect(row).toMatchObject({ message: 'import failed, run 1', resolved: false });
    const actions = await eventually(() => actionsOf(String(row.id)), (a) => a.length === 2, 5000);
    expect(actions.map((a) => [a.strategy, a.success])).toEqual([['retry', false], ['retry', false]]);
    const schedulerErrors = logged.errors.filter((e) => e.context === 'Scheduler' && String(e.message).includes('import failed'));
    expect(schedulerErrors.map((e) => String(e.message))).toEqual(['Error: import failed, run 3']);
  });

  it('stores a failing @Cron run with its expression', async () => {
    const row = await storedRow('every-second');
    expect(row).toMatchObject({ context_type: 'job', message: 'cron run failed', context: { kind: 'cron', schedule: '* * * * * *' } });
  });

  it('leaves a job marked @AiErrorHandler({ capture: false }) to the scheduler: it runs, nothing stored', async () => {
    await storedRow('nightly-report');
    expect(jobs.runs.unwatched).toBe(1);
    await flushed(app);
    expect((await rowsOf(service)).filter((r) => r.operation === 'unwatched-cleanup')).toEqual([]);
    expect(logged.errors.some((e) => e.context === 'Scheduler' && String(e.message).includes('cleanup failed'))).toBe(true);
  });

  it('leaves a job that succeeds as it is: synchronous, nothing stored', async () => {
    expect(typeof jobs.healthy()).toBe('number');
    await flushed(app);
    expect((await rowsOf(service)).map((r) => r.operation).filter((o) => String(o).includes('healthy'))).toEqual([]);
  });
});

describe('scheduled jobs with contexts.jobs false', () => {
  let app: INestApplication;
  const logged = new ErrorLog();
  const service = uniqueService('jobs-off');

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [JobsModule.forRoot({ service, environment: 'production', database: testDatabase(), contexts: { jobs: false } })] }).compile();
    app = await initApp(await createApp(ref, { logger: logged }));
  });
  afterAll(() => app?.close());

  it('leaves the jobs to @nestjs/schedule: one run each, the error logged by the scheduler, nothing stored', async () => {
    const jobs = app.get(JobsService);
    await eventually(async () => jobs.runs.doomed + jobs.runs.nightly, (runs) => runs === 2, 5000);
    await eventually(async () => logged.errors.filter((e) => e.context === 'Scheduler').length, (n) => n >= 2, 5000);
    await flushed(app);
    expect(jobs.runs.doomed).toBe(1);
    expect(await rowsOf(service)).toEqual([]);
  });
});

/** A clock whose waits end when the test says so, or when their signal aborts (as the real clock's do). */
class ReleasableClock implements Clock {
  private waits: (() => void)[] = [];
  now(): number {
    return Date.now();
  }
  sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      this.waits.push(resolve);
    });
  }
  get waiting(): number {
    return this.waits.length;
  }
  /** The time of every wait has passed. */
  release(): void {
    for (const resolve of this.waits.splice(0)) resolve();
  }
}

describe('a job retry pending when the app closes', () => {
  const clock = new ReleasableClock();
  const service = uniqueService('jobs-close');

  it('is not run on the closed app: the first failure is stored, the job runs once', async () => {
    const ref = await Test.createTestingModule({
      // No health interval: its waits on this clock would be counted with the retry's.
      imports: [JobsModule.forRoot({ service, environment: 'production', database: testDatabase(), clock, writer: { flushIntervalMs: 10 }, health: false }, [RetryingJob])],
    }).compile();
    const app = await initApp(await createApp(ref, { logger: new ErrorLog() }));
    const job = app.get(RetryingJob);
    // The first run failed and its retry waits on the clock.
    await eventually(async () => [job.runs, clock.waiting], ([runs, waiting]) => runs === 1 && waiting === 1, 5000);
    await flushed(app);
    const rows = await rowsOf(service);
    expect(rows.map((r) => [r.operation, r.message])).toEqual([['retrying-job', 'first run failed']]);
    await app.close();
    // The retry's delay passes after the close.
    clock.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(job.runs).toBe(1);
  });
});
