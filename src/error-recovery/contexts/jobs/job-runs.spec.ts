import { Logger } from '@nestjs/common';
import type { OperationMethod } from '../../capture/operation-wrapping.js';
import { operationSnapshot } from '../../capture/request-snapshot.js';
import { resolveBackgroundRetry } from '../../error-recovery-options.js';
import type { BackgroundRetryOptions } from '../../error-recovery-options.interface.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import type { BackgroundOutcome, BackgroundRunner } from '../background-runner.js';
import { JobRuns } from './job-runs.js';

/**
 * A runner whose retries wait for the test: `afterFailure` records the first error and resolves
 * with the outcome of running `fn` once more when `release()` is called.
 */
class HeldRunner {
  readonly firstErrors: unknown[] = [];
  private releases: (() => void)[] = [];
  fault: Error | undefined;

  afterFailure(error: unknown, fn: () => unknown, _snapshot: unknown, retry: { attempts: number }): Promise<BackgroundOutcome<unknown>> {
    this.firstErrors.push(error);
    if (this.fault) return Promise.reject(this.fault);
    if (retry.attempts <= 1) return Promise.resolve({ ok: false, error, attempts: 1 });
    return new Promise<void>((resolve) => this.releases.push(resolve)).then(async () => {
      try {
        return { ok: true as const, value: await fn(), attempts: 2 };
      } catch (e) {
        return { ok: false as const, error: e, attempts: 2 };
      }
    });
  }

  release(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

function runsOf(retry?: BackgroundRetryOptions) {
  const runner = new HeldRunner();
  const stats = new ErrorRecoveryStats();
  const runs = new JobRuns({
    operation: 'nightly',
    retry: resolveBackgroundRetry(retry),
    snapshot: () => operationSnapshot('job', 'nightly', {}, { maxContextBytes: 1000 }),
    runner: runner as unknown as BackgroundRunner,
    stats,
  });
  return { runner, stats, runs };
}

/** A job whose calls are counted and whose answers are scripted, call by call. */
function job(...answers: (() => unknown)[]): { method: OperationMethod; calls: () => number } {
  let calls = 0;
  const method = function (this: unknown): unknown {
    const answer = answers[Math.min(calls, answers.length - 1)];
    calls++;
    return answer();
  };
  return { method, calls: () => calls };
}

const fail = (message: string) => (): never => {
  throw new Error(message);
};
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('JobRuns', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  const self = {};

  it('keeps a synchronous success synchronous, and hands an asynchronous one on', async () => {
    const { runs, runner } = runsOf({ attempts: 3 });
    expect(runs.run(self, [], job(() => 7).method)).toBe(7);
    await expect(runs.run(self, [], job(async () => 8).method)).resolves.toBe(8);
    expect(runner.firstErrors).toEqual([]);
  });

  it('without retry: a synchronous throw is thrown on at once, a rejection rejects; each is handed to the runner once', async () => {
    const { runs, runner } = runsOf();
    expect(() => runs.run(self, [], job(fail('sync')).method)).toThrow('sync');
    await expect(runs.run(self, [], job(() => Promise.reject(new Error('async'))).method)).rejects.toThrow('async');
    expect(runner.firstErrors).toEqual([new Error('sync'), new Error('async')]);
  });

  it('with retry: skips the runs started while the retry is pending, then resolves with the retry and runs again', async () => {
    const { runs, runner } = runsOf({ attempts: 2 });
    const work = job(fail('first'), () => 'second', () => 'third');
    const first = runs.run(self, [], work.method) as Promise<unknown>;
    expect(runs.run(self, [], work.method)).toBeUndefined();
    expect(runs.run(self, [], work.method)).toBeUndefined();
    expect(work.calls()).toBe(1);
    runner.release();
    await expect(first).resolves.toBe('second');
    expect(runs.run(self, [], work.method)).toBe('third');
    expect(work.calls()).toBe(3);
  });

  it('rejects with the last error when the retries fail, and no longer skips', async () => {
    const { runs, runner } = runsOf({ attempts: 2 });
    const work = job(fail('first'), fail('again'), () => 'later');
    const first = runs.run(self, [], work.method) as Promise<unknown>;
    runner.release();
    await expect(first).rejects.toThrow('again');
    expect(runs.run(self, [], work.method)).toBe('later');
  });

  it("counts a fault of the runner and hands the job's own error on", async () => {
    const { runs, runner, stats } = runsOf({ attempts: 2 });
    runner.fault = new Error('clock broke');
    await expect(runs.run(self, [], job(fail('job failed')).method)).rejects.toThrow('job failed');
    await settled();
    expect(stats.faults.operation).toBe(1);
    expect(runs.run(self, [], job(() => 'next').method)).toBe('next');
  });
});
