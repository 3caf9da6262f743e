import { Logger } from '@nestjs/common';
import type { CapturedError } from '../capture/captured-errors.js';
import { operationSnapshot } from '../capture/request-snapshot.js';
import type { ErrorPipeline } from '../error-pipeline.js';
import { resolveBackgroundRetry, resolveOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { NOT_ATTEMPTED } from '../execute/recovery-report.js';
import type { ExecutedAction } from '../execute/recovery-report.js';
import type { ErrorLogWriter } from '../persistence/error-log.writer.js';
import { FakeClock } from '../resilience/fake-clock.spec-helper.js';
import { transientConnection } from '../execute/recovery-test-context.spec-helper.js';
import { backgroundDelay, BackgroundRunner } from './background-runner.js';


interface Appended {
  errorId: string;
  actions: readonly ExecutedAction[];
  position: number;
  outcome: unknown;
}

function setUp(pipelineFault?: Error) {
  const clock = new FakeClock();
  const options = resolveOptions({ clock }, {});
  const captures: { error: unknown; operation: string | null }[] = [];
  const appended: Promise<Appended>[] = [];
  const pipeline = {
    shouldCapture: () => true,
    capture: async (error: unknown, snapshot: { operation: string | null }): Promise<CapturedError> => {
      if (pipelineFault) throw pipelineFault;
      captures.push({ error, operation: snapshot.operation });
      return { id: 'row-1', classification: transientConnection, report: NOT_ATTEMPTED };
    },
  } as unknown as ErrorPipeline;
  const writer = {
    appendLate: (errorId: string, late: Promise<readonly ExecutedAction[]>, _trigger: string, position: number, outcome: unknown) => {
      appended.push(late.then((actions) => ({ errorId, actions, position, outcome })));
    },
  } as unknown as ErrorLogWriter;
  const stats = new ErrorRecoveryStats();
  const runner = new BackgroundRunner(pipeline, writer, stats, options);
  const snapshot = () => operationSnapshot('job', 'nightly', {}, options.capture);
  return { clock, captures, appended, stats, runner, snapshot };
}

/** Work that fails `failures` times, then returns 'done'. */
function failing(failures: number) {
  let calls = 0;
  const fn = async (): Promise<string> => {
    calls++;
    if (calls <= failures) throw new Error(`failure ${calls}`);
    return 'done';
  };
  return { fn, calls: () => calls };
}

describe('BackgroundRunner', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it('resolves a success without capturing or waiting', async () => {
    const { runner, snapshot, captures, clock } = setUp();
    await expect(runner.run(() => 42, snapshot, resolveBackgroundRetry({ attempts: 3 }))).resolves.toEqual({ ok: true, value: 42, attempts: 1 });
    expect(captures).toEqual([]);
    expect(clock.sleeps).toEqual([]);
  });

  it('captures the first failure once and runs no retry when attempts is 1', async () => {
    const { runner, snapshot, captures, appended, clock } = setUp();
    const work = failing(5);
    const outcome = await runner.run(work.fn, snapshot, resolveBackgroundRetry(undefined));
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: new Error('failure 1'), captured: { id: 'row-1' } });
    expect(work.calls()).toBe(1);
    expect(captures).toEqual([{ error: new Error('failure 1'), operation: 'nightly' }]);
    expect(appended).toEqual([]);
    expect(clock.sleeps).toEqual([]);
  });

  it('appends each retry to the first row, at its position, with the backoff delays; a retry that succeeds resolves it', async () => {
    const { runner, snapshot, captures, appended, clock } = setUp();
    const work = failing(2);
    const retry = resolveBackgroundRetry({ attempts: 4, delayMs: 100, factor: 3, maxDelayMs: 250 });
    const outcome = await runner.run(work.fn, snapshot, retry);
    expect(outcome).toMatchObject({ ok: true, value: 'done', attempts: 3, captured: { id: 'row-1' } });
    expect(captures).toHaveLength(1);
    expect(clock.sleeps).toEqual([100, 250]);
    const steps = await Promise.all(appended);
    expect(steps.map((s) => [s.errorId, s.position, s.actions.map((a) => [a.strategy, a.success, a.details]), s.outcome])).toEqual([
      ['row-1', 0, [['retry', false, { attempt: 2, delayMs: 100 }]], { success: false, strategy: null }],
      ['row-1', 1, [['retry', true, { attempt: 3, delayMs: 250 }]], { success: true, strategy: 'retry' }],
    ]);
  });

  it('gives up after the last attempt with the last error, every retry recorded as failed', async () => {
    const { runner, snapshot, appended } = setUp();
    const work = failing(10);
    const outcome = await runner.run(work.fn, snapshot, resolveBackgroundRetry({ attempts: 3, delayMs: 1 }));
    expect(outcome).toMatchObject({ ok: false, attempts: 3, error: new Error('failure 3') });
    expect(work.calls()).toBe(3);
    const steps = await Promise.all(appended);
    expect(steps.map((s) => s.actions[0].success)).toEqual([false, false]);
  });

  it('goes on from a first failure its caller saw (afterFailure)', async () => {
    const { runner, snapshot, captures } = setUp();
    const outcome = await runner.afterFailure(new Error('seen by the caller'), async () => 'second', snapshot, resolveBackgroundRetry({ attempts: 2, delayMs: 1 }));
    expect(outcome).toMatchObject({ ok: true, value: 'second', attempts: 2 });
    expect(captures).toEqual([{ error: new Error('seen by the caller'), operation: 'nightly' }]);
  });

  it('never throws when capture faults: the fault is counted and the retries still run', async () => {
    const { runner, snapshot, stats, appended } = setUp(new Error('store exploded'));
    const work = failing(1);
    const outcome = await runner.run(work.fn, snapshot, resolveBackgroundRetry({ attempts: 2, delayMs: 1 }));
    expect(outcome).toEqual({ ok: true, value: 'done', attempts: 2, captured: undefined });
    expect(stats.faults.operation).toBe(1);
    expect(appended).toEqual([]);
  });

  it('starts no retry once the app is closing: the work ends with its failure, nothing appended', async () => {
    const { runner, snapshot, appended, clock } = setUp();
    const work = failing(1);
    runner.beforeApplicationShutdown();
    const outcome = await runner.run(work.fn, snapshot, resolveBackgroundRetry({ attempts: 3, delayMs: 1 }));
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: new Error('failure 1'), captured: { id: 'row-1' } });
    expect(work.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(appended).toEqual([]);
  });

  it('never throws when the clock fails: the work ends with its own error, the fault is counted', async () => {
    const { runner, snapshot, stats, clock } = setUp();
    clock.sleep = () => Promise.reject(new Error('clock broke'));
    const work = failing(1);
    const outcome = await runner.run(work.fn, snapshot, resolveBackgroundRetry({ attempts: 3, delayMs: 1 }));
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: new Error('failure 1') });
    expect(stats.faults.operation).toBe(1);
  });

  it('caps the delay at maxDelayMs', () => {
    const retry = resolveBackgroundRetry({ attempts: 10, delayMs: 1000, factor: 2, maxDelayMs: 5000 });
    expect([1, 2, 3, 4, 5].map((n) => backgroundDelay(retry, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});
