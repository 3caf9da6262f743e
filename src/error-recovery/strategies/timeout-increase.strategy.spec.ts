import { jest } from '@jest/globals';
import { RouteTimeoutError, type InFlightRun } from '../errors/route-timeout.error.js';
import { RecoveryExecutor } from '../execute/recovery-executor.js';
import { StrategyRegistry } from './strategy-registry.js';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext, transientConnection } from '../execute/recovery-test-context.spec-helper.js';
import { resolveOptions } from '../error-recovery-options.js';
import type { Clock } from '../resilience/clock.js';
import { RouteTimeouts } from '../state/route-timeouts.registry.js';
import type { RecoveryContext } from './recovery-strategy.interface.js';
import { TimeoutIncreaseStrategy } from './timeout-increase.strategy.js';

const clock = { t: 0, now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };
const timeoutError = { ...transientConnection, errorType: 'TimeoutError', category: 'timeout' as const };
const route = { key: 'GET /x', method: 'GET', pattern: '/x' };

function setup() {
  const timeouts = new RouteTimeouts(resolveOptions({ clock, routeTimeoutMs: 5000 }, {}));
  const strategy = new TimeoutIncreaseStrategy(timeouts);
  const replays: (number | undefined)[] = [];
  const ctx = (overrides: Partial<RecoveryContext> = {}): RecoveryContext => ({
    ...specContext({ clock, classification: timeoutError, route, replay: async (o) => void replays.push(o?.timeoutMs), parameters: resolveOptions({ routeTimeoutMs: 5000 }, {}).parameters }),
    budget: new RecoveryBudget(clock, 60_000),
    ...overrides,
  });
  return { timeouts, strategy, replays, ctx };
}

describe('TimeoutIncreaseStrategy', () => {
  it('triples the timeout (+200 %), capped at newTimeoutMs, and replays under the raised value', async () => {
    const { strategy, replays, ctx, timeouts } = setup();
    const first = await strategy.execute(ctx());
    expect(first.resolved).toBe(true);
    expect(first.steps[0]).toMatchObject({ success: true, details: { fromMs: 5000, toMs: 15_000 } });
    expect(replays).toEqual([15_000]);
    expect(timeouts.current('GET /x', 5000)).toBe(15_000);
    const again = await strategy.execute(ctx());
    expect(again.steps[0]).toMatchObject({ skipped: true, message: 'timeout of GET /x already at the ceiling (15000 ms)' });
  });

  it('decays back to the base after the cool-down', async () => {
    const { strategy, ctx, timeouts } = setup();
    clock.t = 0;
    await strategy.execute(ctx());
    clock.t = 299_999;
    expect(timeouts.current('GET /x', 5000)).toBe(15_000);
    clock.t = 300_000;
    expect(timeouts.current('GET /x', 5000)).toBe(5000);
  });

  it.each<[string, Partial<RecoveryContext>, string]>([
    ['a non-timeout error', { classification: transientConnection }, 'only applies to timeouts (this is a ConnectionError)'],
    ['no route', { route: undefined }, 'no route whose timeout could be raised'],
    ['a route without timeout', { routeOptions: { timeoutMs: 0 } }, 'no route timeout configured on GET /x'],
    ['the defaults (no route timeout)', { parameters: resolveOptions({}, {}).parameters }, 'no route timeout configured on GET /x'],
  ])('is skipped for %s', async (_label, overrides, message) => {
    const { strategy, ctx, replays } = setup();
    const outcome = await strategy.execute(ctx(overrides));
    expect(outcome).toMatchObject({ resolved: false, steps: [{ skipped: true, message }] });
    expect(replays).toEqual([]);
  });

  it('raises but does not replay an unsafe request', async () => {
    const { strategy, ctx, replays } = setup();
    const outcome = await strategy.execute(ctx({ replaySafe: false }));
    expect(outcome.steps.map((s) => [s.success, s.skipped, s.message])).toEqual([
      [true, false, 'timeout of GET /x 5000 → 15000 ms for 300 s; replay skipped: not replay-safe'],
    ]);
    expect(replays).toEqual([]);
  });

  describe('a run still going when its timeout fired', () => {
    /** A RouteTimeoutError carrying a run the test settles, started at `startedAt`. */
    function timedOutRun(startedAt: number) {
      const run = { startedAt, waited: [] as number[], abandoned: 0, waitedInVain: false, answer: undefined as (() => Promise<unknown>) | undefined,
        wait(ms: number) {
          this.waited.push(ms);
          return this.answer ? this.answer() : Promise.reject(new RouteTimeoutError(ms));
        },
        abandon() {
          this.abandoned++;
        },
      };
      return { run, error: new RouteTimeoutError(5000, run) };
    }

    it('waits for that same run up to the raised timeout less its age, and serves its answer without a replay', async () => {
      const { strategy, replays, ctx } = setup();
      clock.t = 10_000;
      const { run, error } = timedOutRun(4000); // 6 s old
      run.answer = async () => ({ late: true });
      const outcome = await strategy.execute(ctx({ error }));
      expect(outcome).toMatchObject({ resolved: true, result: { late: true } });
      expect(run.waited).toEqual([15_000 - 6000]);
      expect(replays).toEqual([]);
      expect(outcome.steps.map((s) => s.success)).toEqual([true, true]);
      expect(outcome.steps[1].message).toMatch(/the run that timed out answered under the raised timeout/);
    });

    it('serves a request that may not be replayed (a POST) with its own run: nothing runs twice', async () => {
      const { strategy, replays, ctx } = setup();
      clock.t = 0;
      const { run, error } = timedOutRun(0);
      run.answer = async () => ({ charged: 1 });
      const outcome = await strategy.execute(ctx({ error, replaySafe: false }));
      expect(outcome).toMatchObject({ resolved: true, result: { charged: 1 } });
      expect(replays).toEqual([]);
    });

    it('waits no longer than the recovery budget left', async () => {
      const { strategy, ctx } = setup();
      clock.t = 0;
      const { run, error } = timedOutRun(0);
      run.answer = async () => 'ok';
      await strategy.execute(ctx({ error, budget: new RecoveryBudget(clock, 1200) }));
      expect(run.waited).toEqual([1200]);
    });

    it('replays under the raised timeout only when the run does not make it, and abandons the run', async () => {
      const { strategy, replays, ctx } = setup();
      clock.t = 0;
      const { run, error } = timedOutRun(0);
      const outcome = await strategy.execute(ctx({ error }));
      expect(outcome.steps.map((s) => [s.success, s.message])).toEqual([
        [true, 'timeout of GET /x 5000 → 15000 ms for 300 s'],
        [false, 'the run that timed out still running after 15000 ms more'],
        [true, 'replay after timeout increase succeeded'],
      ]);
      expect(replays).toEqual([15_000]);
      expect(run.abandoned).toBeGreaterThan(0);
    });

    it('still waits for it when another request already raised the timeout to the ceiling', async () => {
      const { strategy, ctx, timeouts } = setup();
      clock.t = 0;
      timeouts.raise('GET /x', 5000, 15_000, 300_000);
      const { run, error } = timedOutRun(0);
      run.answer = async () => 'ok';
      const outcome = await strategy.execute(ctx({ error }));
      expect(outcome).toMatchObject({ resolved: true, result: 'ok', steps: [{ success: true }] });
      expect(run.waited).toEqual([15_000]);
    });
  });
});

describe('TimeoutIncreaseStrategy under the executor', () => {
  afterEach(() => jest.useRealTimers());

  it('records the raise as it happened, when waiting for the run then overruns the budget', async () => {
    jest.useFakeTimers();
    const options = resolveOptions({ routeTimeoutMs: 5000, recoveryTimeoutMs: 1000 }, {});
    const timeouts = new RouteTimeouts(options);
    const registry = new StrategyRegistry();
    registry.register(new TimeoutIncreaseStrategy(timeouts));
    // A run that never answers: its wait ends when the budget does.
    const hanging: InFlightRun = {
      startedAt: Date.now(),
      waitedInVain: false,
      wait: (ms, signal) =>
        new Promise((_resolve, reject) => {
          const timer = setTimeout(() => reject(new RouteTimeoutError(ms)), ms);
          signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new RouteTimeoutError(ms))), { once: true });
        }),
      abandon: () => undefined,
    };
    const running = new RecoveryExecutor(registry, options).run(
      ['timeout_increase'],
      specContext({ classification: timeoutError, route, error: new RouteTimeoutError(5000, hanging), replaySafe: false, parameters: options.parameters }),
    );
    await jest.advanceTimersByTimeAsync(1000);
    const report = await running;
    expect(timeouts.current('GET /x', 5000)).toBe(15_000);
    // The raise happened before the budget ran out: in the request's record, not only as a "late" step.
    expect(report.actions.map((a) => [a.success, a.message])).toEqual([
      [true, 'timeout of GET /x 5000 → 15000 ms for 300 s'],
      [false, 'stopped: recovery budget exhausted'],
    ]);
    const late = (await report.late) ?? [];
    expect(late.map((a) => a.message).join('\n')).not.toContain('5000 → 15000');
  });
});
