import { jest } from '@jest/globals';
import { resolveOptions } from '../error-recovery-options.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome } from '../strategies/recovery-strategy.interface.js';
import { StrategyRegistry } from '../strategies/strategy-registry.js';
import { steps } from '../strategies/strategy-steps.js';
import { RecoveryExecutor } from './recovery-executor.js';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext } from './recovery-test-context.spec-helper.js';
import { systemClock } from '../resilience/clock.js';

/** A strategy that never applies here, and says so before running (or not, with `checks: false`). */
function skipper(name: string, why: string, checks = true): RecoveryStrategy & { runs: number } {
  const s = {
    name,
    runs: 0,
    execute: async (ctx: RecoveryContext): Promise<StrategyOutcome> => {
      s.runs++;
      return steps.skip(ctx, why);
    },
    ...(checks ? { skipReason: () => why } : {}),
  };
  return s;
}

function executor(strategies: RecoveryStrategy[]): RecoveryExecutor {
  const registry = new StrategyRegistry();
  strategies.forEach((s) => registry.register(s));
  return new RecoveryExecutor(registry, resolveOptions({ recoveryTimeoutMs: 5000 }, {}));
}

/** The report without the times, which differ between two runs. */
const timeless = (report: Awaited<ReturnType<RecoveryExecutor['run']>>) => ({ ...report, actions: report.actions.map(({ startedAt: _s, durationMs: _d, ...a }) => a) });

describe('RecoveryExecutor.withoutRunning (a plan none of whose steps can act)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports an all-skipped plan without running a strategy or starting a timer, as run() would report it', async () => {
    const a = skipper('fallback', 'no fallback');
    const b = skipper('request_throttle', 'not an overload signal');
    const ex = executor([a, b]);
    const fast = ex.withoutRunning(['fallback', 'ghost', 'request_throttle'], specContext());
    expect(jest.getTimerCount()).toBe(0);
    expect(a.runs + b.runs).toBe(0);
    expect(fast).toBeDefined();
    const slow = await ex.run(['fallback', 'ghost', 'request_throttle'], specContext());
    expect(timeless(fast!)).toEqual(timeless(slow));
    expect(fast!.actions.map((x) => [x.strategy, x.skipped, x.success, x.message])).toEqual([
      ['fallback', true, false, 'no fallback'],
      ['ghost', true, false, 'not available'],
      ['request_throttle', true, false, 'not an overload signal'],
    ]);
  });

  it('reports an empty plan as run() would, with nothing to run', async () => {
    const ex = executor([]);
    expect(ex.withoutRunning([], specContext())).toEqual(await ex.run([], specContext()));
  });

  it('leaves a plan to run() as soon as one step may act (no skipReason, or it says undefined, or it throws)', () => {
    expect(executor([skipper('a', 'x', false)]).withoutRunning(['a'], specContext())).toBeUndefined();
    const mayAct: RecoveryStrategy = { name: 'b', execute: async () => ({ resolved: true, steps: [] }), skipReason: () => undefined };
    expect(executor([skipper('a', 'x'), mayAct]).withoutRunning(['a', 'b'], specContext())).toBeUndefined();
    const broken: RecoveryStrategy = { name: 'c', execute: async () => ({ resolved: false, steps: [] }), skipReason: () => { throw new Error('bug'); } };
    expect(executor([broken]).withoutRunning(['c'], specContext())).toBeUndefined();
  });
});

describe('RecoveryBudget', () => {
  afterEach(() => jest.useRealTimers());

  it('makes its AbortController only when a strategy reads the signal, and it still aborts on time', async () => {
    jest.useFakeTimers();
    const budget = new RecoveryBudget(systemClock, 100);
    const signal = budget.signal;
    expect(signal.aborted).toBe(false);
    let overran = false;
    void budget.overrun.then(() => (overran = true));
    await jest.advanceTimersByTimeAsync(100);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('recovery budget exhausted');
    expect(overran).toBe(true);
    expect(budget.remaining()).toBe(0);
  });

  it('a signal first read after recovery finished is already aborted; finishing is not an overrun', async () => {
    jest.useFakeTimers();
    const budget = new RecoveryBudget(systemClock, 100);
    let overran = false;
    void budget.overrun.then(() => (overran = true));
    budget.dispose();
    expect(budget.signal.aborted).toBe(true);
    expect((budget.signal.reason as Error).message).toBe('recovery finished');
    await jest.advanceTimersByTimeAsync(1000);
    expect(overran).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });
});
