import { jest } from '@jest/globals';
import { lastValueFrom, Observable } from 'rxjs';
import { replayTimeout, withTimeout } from '../capture/with-timeout.js';
import { resolveOptions } from '../error-recovery-options.js';
import type { RecoveryContext, RecoveryStrategy, ReplayOverrides, StrategyOutcome } from '../strategies/recovery-strategy.interface.js';
import { StrategyRegistry } from '../strategies/strategy-registry.js';
import { LATE_OUTCOME_WAIT_MS, RecoveryExecutor } from './recovery-executor.js';
import type { ExecutedAction } from './recovery-report.js';
import { specContext } from './recovery-test-context.spec-helper.js';

const step = (success: boolean, message: string) => ({ success, skipped: false, message, startedAt: Date.now(), durationMs: 0 });

function strategy(name: string, run: (ctx: RecoveryContext) => Promise<StrategyOutcome>): RecoveryStrategy & { calls: number } {
  const s = {
    name,
    calls: 0,
    execute: async (ctx: RecoveryContext) => {
      s.calls++;
      return run(ctx);
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

  it('keeps the record of an effect that happened after the budget ran out, without holding the request', async () => {
    jest.useFakeTimers();
    let grown = false;
    const slow = strategy('pool_increase', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      grown = true; // the effect happened, after the request was answered
      return { resolved: false, steps: [step(true, 'pool grown 2 -> 5')] };
    });
    const running = executor([slow], 1000).run(['pool_increase'], specContext());
    await jest.advanceTimersByTimeAsync(1000);
    const report = await running;
    expect(grown).toBe(false);
    expect(report.actions.map((x) => x.message)).toEqual(['stopped: recovery budget exhausted']);
    await jest.advanceTimersByTimeAsync(500);
    expect(grown).toBe(true);
    const late = await report.late;
    expect(late?.map((x) => [x.strategy, x.success, x.message, x.details])).toEqual([
      ['pool_increase', true, 'after the recovery budget: pool grown 2 -> 5', { late: true }],
    ]);
  });

  it('records a strategy that throws after the budget, and one that never settles, within a bounded wait', async () => {
    jest.useFakeTimers();
    const throwsLate = strategy('a', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      throw new Error('restart failed');
    });
    const first = executor([throwsLate], 1000).run(['a'], specContext());
    await jest.advanceTimersByTimeAsync(1500);
    expect((await (await first).late)?.map((x) => [x.success, x.message])).toEqual([[false, 'strategy threw after the recovery budget: restart failed']]);

    const hang = strategy('hang', () => new Promise<StrategyOutcome>(() => undefined));
    const second = executor([hang], 1000).run(['hang'], specContext());
    await jest.advanceTimersByTimeAsync(1000);
    const report = await second;
    let late: ExecutedAction[] | undefined;
    void report.late?.then((x) => (late = x));
    await jest.advanceTimersByTimeAsync(LATE_OUTCOME_WAIT_MS);
    expect(late?.map((x) => [x.success, x.message])).toEqual([[false, `outcome unknown: still running ${LATE_OUTCOME_WAIT_MS} ms after the recovery budget`]]);
  });

  it('records an effect noted through the context at once, even when the strategy then hangs forever', async () => {
    jest.useFakeTimers();
    const growThenHang = strategy('pool_increase', async (ctx) => {
      ctx.noteEffect?.(step(true, 'pool grown 2 -> 5'));
      return new Promise<StrategyOutcome>(() => undefined); // e.g. waiting for a connection that never comes
    });
    const running = executor([growThenHang], 1000).run(['pool_increase'], specContext());
    await jest.advanceTimersByTimeAsync(1000);
    const report = await running;
    expect(report.actions.map((x) => [x.strategy, x.success, x.message])).toEqual([
      ['pool_increase', true, 'pool grown 2 -> 5'],
      ['pool_increase', false, 'stopped: recovery budget exhausted'],
    ]);
  });

  it('records noted effects once, before the returned steps, and marks those noted after the budget late', async () => {
    jest.useFakeTimers();
    const noting = (delayMs: number): RecoveryStrategy =>
      strategy('circuit_break', async (ctx) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        ctx.noteEffect?.(step(true, 'breaker opened'));
        return { resolved: false, steps: [step(false, 'replay failed')] };
      });
    const inTimeRun = executor([noting(10)], 1000).run(['circuit_break'], specContext());
    await jest.advanceTimersByTimeAsync(10);
    const inTime = await inTimeRun;
    expect(inTime.actions.map((x) => x.message)).toEqual(['breaker opened', 'replay failed']);
    expect(inTime.late).toBeUndefined();

    const running = executor([noting(1500)], 1000).run(['circuit_break'], specContext());
    await jest.advanceTimersByTimeAsync(1500);
    const report = await running;
    expect(report.actions.map((x) => x.message)).toEqual(['stopped: recovery budget exhausted']);
    expect((await report.late)?.map((x) => x.message)).toEqual(['after the recovery budget: breaker opened', 'after the recovery budget: replay failed']);
  });

  it('has no late part when every strategy finished within the budget', async () => {
    const a = strategy('a', async () => ({ resolved: false, steps: [step(false, 'a failed')] }));
    expect((await executor([a]).run(['a'], specContext())).late).toBeUndefined();
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
