import { jest } from '@jest/globals';
import { RecoveryBudget } from '../execute/recovery-budget.js';
import { specContext, transientConnection } from '../execute/recovery-test-context.spec-helper.js';
import { systemClock } from '../resilience/clock.js';
import type { RecoveryContext } from './recovery-strategy.interface.js';
import { RetryStrategy } from './retry.strategy.js';

const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

function context(replay: () => Promise<unknown>, overrides: Partial<RecoveryContext> = {}, budgetMs = 5000): RecoveryContext {
  return { ...specContext({ replay }), budget: new RecoveryBudget(systemClock, budgetMs), ...overrides };
}

/** Records when (in fake time) each replay happened. */
function replayer(failures: number) {
  const at: number[] = [];
  const replay = async () => {
    at.push(Date.now());
    if (at.length <= failures) throw reset();
    return { ok: true };
  };
  return { at, replay };
}

const withRandom = (random: () => number): RetryStrategy => Object.assign(new RetryStrategy(), { random });

describe('RetryStrategy', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('re-runs the handler with exponential backoff and full jitter, one step per attempt', async () => {
    const { at, replay } = replayer(2);
    const strategy = withRandom(() => 0.5); // half of each cap: 500, 1000, 2000 ms
    const running = strategy.execute(context(replay));
    await jest.advanceTimersByTimeAsync(5000);
    const outcome = await running;
    expect(at).toEqual([500, 1500, 3500]);
    expect(outcome.resolved).toBe(true);
    expect(outcome.result).toEqual({ ok: true });
    expect(outcome.steps.map((s) => [s.success, s.details])).toEqual([
      [false, { attempt: 1, delayMs: 500 }],
      [false, { attempt: 2, delayMs: 1000 }],
      [true, { attempt: 3, delayMs: 2000 }],
    ]);
  });

  it('keeps every delay within [0, base·2^(n-1)) with real randomness', async () => {
    const { at, replay } = replayer(3);
    const running = new RetryStrategy().execute(context(replay, {}, 60_000));
    await jest.advanceTimersByTimeAsync(60_000);
    const outcome = await running;
    const gaps = at.map((t, i) => t - (i === 0 ? 0 : at[i - 1]));
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThan(1000 * 2 ** i);
    });
    expect(outcome.resolved).toBe(false);
    expect(outcome.steps).toHaveLength(3);
  });

  it('waits at least the Retry-After the error states', async () => {
    const { at, replay } = replayer(0);
    const ctx = context(replay, { classification: { ...transientConnection, retryAfterSeconds: 2 } });
    const running = withRandom(() => 0).execute(ctx);
    await jest.advanceTimersByTimeAsync(5000);
    await running;
    expect(at).toEqual([2000]);
  });

  it('never waits past the budget', async () => {
    const { at, replay } = replayer(10);
    const running = withRandom(() => 0.99).execute(context(replay, {}, 2500));
    await jest.advanceTimersByTimeAsync(5000);
    const outcome = await running;
    expect(at).toEqual([990]); // the next delay (1980 ms) would end after the 2500 ms budget
    expect(outcome.steps.at(-1)).toMatchObject({ skipped: true, message: expect.stringMatching(/budget exhausted before attempt 2/) });
  });

  it('stops when a replay fails with a permanent error', async () => {
    let calls = 0;
    const replay = async () => {
      calls++;
      throw new TypeError('bug');
    };
    const ctx = context(replay, { classify: () => ({ ...transientConnection, errorType: 'TypeError', transient: false }) });
    const running = withRandom(() => 0).execute(ctx);
    await jest.advanceTimersByTimeAsync(5000);
    const outcome = await running;
    expect(calls).toBe(1);
    expect(outcome.steps).toHaveLength(1);
  });

  it.each<[string, Partial<RecoveryContext>, string]>([
    ['permanent error', { classification: { ...transientConnection, transient: false } }, 'permanent error: running it again cannot help'],
    ['no handler in hand', { replay: undefined }, 'original request not available'],
    ['unsafe request', { replaySafe: false }, 'not replay-safe'],
  ])('is skipped for a %s', async (_label, overrides, reason) => {
    const { at, replay } = replayer(0);
    const outcome = await new RetryStrategy().execute(context(replay, overrides));
    expect(outcome).toMatchObject({ resolved: false, steps: [{ skipped: true, success: false, message: reason }] });
    expect(at).toEqual([]);
  });
});
