import { jest } from '@jest/globals';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext, transientConnection } from '../execute/recovery-test-context.spec-helper.js';
import { systemClock } from '../resilience/clock.js';
import { RetryBudgetWindow } from '../resilience/retry-budget.window.js';
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

  it('re-runs the handler after short delays (base 50 ms, exponential, full jitter), one step per attempt', async () => {
    const { at, replay } = replayer(2);
    const strategy = withRandom(() => 0.5); // half of each cap: 25, 50, 100 ms
    const running = strategy.execute(context(replay));
    await jest.advanceTimersByTimeAsync(5000);
    const outcome = await running;
    expect(at).toEqual([25, 75, 175]);
    expect(outcome.resolved).toBe(true);
    expect(outcome.result).toEqual({ ok: true });
    expect(outcome.steps.map((s) => [s.success, s.details])).toEqual([
      [false, { attempt: 1, delayMs: 25 }],
      [false, { attempt: 2, delayMs: 50 }],
      [true, { attempt: 3, delayMs: 100 }],
    ]);
  });

  it('keeps every delay within [0, 50·2^(n-1)) with real randomness', async () => {
    const { at, replay } = replayer(3);
    const running = new RetryStrategy().execute(context(replay, {}, 60_000));
    await jest.advanceTimersByTimeAsync(60_000);
    const outcome = await running;
    const gaps = at.map((t, i) => t - (i === 0 ? 0 : at[i - 1]));
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThan(50 * 2 ** i);
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

  it('skips honestly when the Retry-After is longer than the budget, without waiting', async () => {
    const { at, replay } = replayer(0);
    const ctx = context(replay, { classification: { ...transientConnection, retryAfterSeconds: 30 } });
    const outcome = await withRandom(() => 0).execute(ctx);
    expect(at).toEqual([]);
    expect(outcome.steps).toEqual([expect.objectContaining({ skipped: true, message: 'Retry-After of 30 s does not fit the 5000 ms of recovery budget left (attempt 1)' })]);
  });

  it('sizes the delays so that every configured attempt fits the budget', async () => {
    // Long delays configured (1 s, 2 s, 4 s) and attempts of 500 ms in a 3 s budget: without sizing,
    // the first delay and attempt leave no room for the 2 s delay of the second.
    const at: number[] = [];
    const replay = async () => {
      at.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 500));
      throw reset();
    };
    const retry = { ...specContext().retry, delayMs: 1000, maxDelayMs: 10_000, jitter: false };
    const running = new RetryStrategy().execute(context(replay, { retry }, 3000));
    await jest.advanceTimersByTimeAsync(3000);
    const outcome = await running;
    expect(at).toHaveLength(3);
    expect(at.at(-1)! + 500).toBeLessThanOrEqual(3000);
    expect(outcome.steps.map((s) => s.skipped)).toEqual([false, false, false]);
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

  describe('retry budget of the route', () => {
    /** Fake time that does not move; sleeping is instant. */
    const still = { now: () => 1_000_000, sleep: async () => undefined };

    it('is skipped with the reason once the route used its budget', async () => {
      const route = { key: 'GET /x', method: 'GET', pattern: '/x', retryBudget: new RetryBudgetWindow(10_000) };
      const { at, replay } = replayer(100);
      const ctx = () => ({ ...specContext({ replay, route, clock: still }), budget: new RecoveryBudget(still, 5000) });
      await new RetryStrategy().execute(ctx()); // 3 retries
      await new RetryStrategy().execute(ctx()); // 3 more
      await new RetryStrategy().execute(ctx()); // 3 more
      const outcome = await new RetryStrategy().execute(ctx()); // the 10th retry, then refused
      expect(at).toHaveLength(10);
      expect(outcome.steps.at(-1)).toMatchObject({ skipped: true, message: 'retry budget exhausted (10 retries for 0 requests in 10 s)' });
    });

    it('cuts a storm of failing requests to the budget while a 30 %-flaky route still gets its retries', async () => {
      const down = { key: 'GET /down', method: 'GET', pattern: '/down', retryBudget: new RetryBudgetWindow(10_000) };
      const flaky = { key: 'GET /flaky', method: 'GET', pattern: '/flaky', retryBudget: new RetryBudgetWindow(10_000) };
      let downCalls = 0;
      let flakyCalls = 0;
      const failDown = async () => {
        downCalls++;
        throw reset();
      };
      const flakyReplay = async () => {
        // Calls 0, 3 and 6 of every ten fail: a 30 % failure rate.
        if ([0, 3, 6].includes(flakyCalls++ % 10)) throw reset();
        return { ok: true };
      };
      let flakyServed = 0;
      for (let i = 0; i < 100; i++) {
        down.retryBudget.recordRequest(still.now());
        downCalls++; // the request itself, failed
        await new RetryStrategy().execute({ ...specContext({ replay: failDown, route: down, clock: still }), budget: new RecoveryBudget(still, 5000) });
        flaky.retryBudget.recordRequest(still.now());
        try {
          await flakyReplay(); // the request itself
          flakyServed++;
        } catch {
          const outcome = await new RetryStrategy().execute({ ...specContext({ replay: flakyReplay, route: flaky, clock: still }), budget: new RecoveryBudget(still, 5000) });
          if (outcome.resolved) flakyServed++;
        }
      }
      // Without a budget the dead dependency gets 400 calls (1 + 3 retries each); with it, ≤ 100 + 0.5 × 100 + 10.
      expect(downCalls).toBeLessThanOrEqual(160);
      expect(flakyServed).toBe(100);
    });
  });
});
