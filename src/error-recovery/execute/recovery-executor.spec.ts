import { jest } from '@jest/globals';
import { lastValueFrom, Observable } from 'rxjs';
import { replayTimeout, withTimeout } from '../capture/with-timeout.js';
import { resolveOptions } from '../error-recovery-options.js';
import type { RecoveryStrategy, ReplayOverrides, StrategyOutcome } from '../strategies/recovery-strategy.interface.js';
import { StrategyRegistry } from '../strategies/strategy-registry.js';
import { RecoveryExecutor } from './recovery-executor.js';
import { specContext } from './recovery-test-context.spec-helper.js';

const step = (success: boolean, message: string) => ({ success, skipped: false, message, startedAt: Date.now(), durationMs: 0 });

function strategy(name: string, run: () => Promise<StrategyOutcome>): RecoveryStrategy & { calls: number } {
  const s = {
    name,
    calls: 0,
    execute: async () => {
      s.calls++;
      return run();
    },
  };
  return s;
}

function executor(strategies: RecoveryStrategy[], recoveryTimeoutMs = 5000): RecoveryExecutor {
  const registry = new StrategyRegistry();
  strategies.forEach((s) => registry.register(s));
  return new RecoveryExecutor(registry, resolveOptions({ recoveryTimeoutMs }, {}));
}

describe('RecoveryExecutor', () => {
  afterEach(() => jest.useRealTimers());

  it('runs the plan in order and stops at the first strategy that serves the request', async () => {
    const a = strategy('a', async () => ({ resolved: false, steps: [step(false, 'a failed')] }));
    const b = strategy('b', async () => ({ resolved: true, result: { ok: 1 }, steps: [step(true, 'b served')] }));
    const c = strategy('c', async () => ({ resolved: true, steps: [step(true, 'never')] }));
    const report = await executor([a, b, c]).run(['a', 'b', 'c'], specContext());
    expect(report).toMatchObject({ attempted: true, success: true, resolvedBy: 'b', result: { ok: 1 }, message: 'Recovery successful: B' });
    expect(report.actions.map((x) => [x.strategy, x.success])).toEqual([['a', false], ['b', true]]);
    expect(c.calls).toBe(0);
  });

  it('records a strategy that does not exist as skipped "not available", never as a success', async () => {
    const report = await executor([]).run(['pool_increase', 'fallback'], specContext());
    expect(report).toMatchObject({ attempted: true, success: false, message: 'No recovery strategy could be applied' });
    expect(report.actions.map((x) => [x.strategy, x.skipped, x.success, x.message])).toEqual([
      ['pool_increase', true, false, 'not available'],
      ['fallback', true, false, 'not available'],
    ]);
  });

  it('records a throwing strategy as failed and goes on', async () => {
    const boom = strategy('boom', async () => {
      throw new Error('strategy bug');
    });
    const next = strategy('next', async () => ({ resolved: true, steps: [step(true, 'ok')] }));
    const report = await executor([boom, next]).run(['boom', 'next'], specContext());
    expect(report.success).toBe(true);
    expect(report.actions[0]).toMatchObject({ strategy: 'boom', success: false, skipped: false, message: 'strategy threw: strategy bug' });
  });

  it('stops a strategy that overruns the budget and skips the rest', async () => {
    jest.useFakeTimers();
    const hang = strategy('hang', () => new Promise<StrategyOutcome>(() => undefined));
    const later = strategy('later', async () => ({ resolved: true, steps: [step(true, 'too late')] }));
    const running = executor([hang, later], 1000).run(['hang', 'later'], specContext());
    await jest.advanceTimersByTimeAsync(1000);
    const report = await running;
    expect(report.success).toBe(false);
    expect(report.actions.map((x) => [x.strategy, x.skipped, x.message])).toEqual([
      ['hang', false, 'stopped: recovery budget exhausted'],
      ['later', true, 'recovery budget exhausted'],
    ]);
    expect(later.calls).toBe(0);
  });

  it('caps a replay by the budget left: the handler run under a long route timeout is dropped when the budget ends', async () => {
    jest.useFakeTimers({ now: 0 });
    let live = 0;
    const handler = new Observable<never>(() => {
      live++;
      return () => void live--;
    });
    // What the interceptor's replay does: the route's 10 s timeout unless the overrides say otherwise.
    const replay = (o?: ReplayOverrides) => lastValueFrom(withTimeout(handler, replayTimeout(o, 10_000)));
    const replayer: RecoveryStrategy = {
      name: 'replayer',
      execute: async (ctx) => ({ resolved: true, result: await ctx.replay!(), steps: [step(true, 'replayed')] }),
    };
    const running = executor([replayer], 1000).run(['replayer'], specContext({ replay }));
    await jest.advanceTimersByTimeAsync(500);
    expect(live).toBe(1);
    await jest.advanceTimersByTimeAsync(501);
    const report = await running;
    expect(report.success).toBe(false);
    expect(live).toBe(0); // not still running until the route's 10 s timeout
  });

  it('reports "not attempted" for an empty plan', async () => {
    const report = await executor([]).run([], specContext());
    expect(report).toMatchObject({ attempted: false, success: false, actions: [] });
  });
});
