import { jest } from '@jest/globals';
import { systemClock } from '../resilience/clock.js';
import { ManualClock, flush } from './manual-clock.spec-helper.js';
import { runHealthCheck } from './run-health-check.js';

describe('runHealthCheck', () => {
  it('passes with the latency on the clock when the check resolves', async () => {
    const clock = new ManualClock();
    const run = runHealthCheck({ name: 'a', check: () => clock.advance(40) }, 2000, clock, 300);
    await expect(run).resolves.toEqual({ name: 'a', ok: true, latencyMs: 40, at: 1_000_040 });
    expect(clock.pending).toBe(0);
  });

  it('fails with the scrubbed, capped message of a throw or a rejection', async () => {
    const clock = new ManualClock();
    const sync = await runHealthCheck({ name: 'a', check: () => { throw new Error('connect to postgres://app:hunter2@db:5432 failed'); } }, 2000, clock, 300);
    expect(sync.ok).toBe(false);
    expect(sync.error).toContain('failed');
    expect(sync.error).not.toContain('hunter2');
    const long = await runHealthCheck({ name: 'b', check: () => Promise.reject(new Error('x'.repeat(5000))) }, 2000, clock, 50);
    // The cap plus the marker saying how much was cut.
    expect(long.error).toMatch(/^x{50}…\[truncated \d+ chars\]$/);
    const empty = await runHealthCheck({ name: 'c', check: () => Promise.reject(new Error('')) }, 2000, clock, 50);
    expect(empty).toMatchObject({ ok: false, error: 'failed' });
  });

  it('fails at its timeout on the clock and aborts the check signal, even if the check never settles', async () => {
    const clock = new ManualClock();
    let signal: AbortSignal | undefined;
    const run = runHealthCheck({ name: 'slow', check: (s) => { signal = s; return new Promise(() => undefined); } }, 1000, clock, 300);
    await flush();
    expect(signal?.aborted).toBe(false);
    await clock.advance(999);
    let settled = false;
    void run.then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    await clock.advance(1);
    await expect(run).resolves.toMatchObject({ ok: false, error: 'timed out after 1000 ms', latencyMs: 1000 });
    expect(signal?.aborted).toBe(true);
  });

  describe('on real timers', () => {
    beforeEach(() => jest.useFakeTimers({ now: 0 }));
    afterEach(() => jest.useRealTimers());

    it.each([Infinity, Number.MAX_SAFE_INTEGER, 2 ** 31])('a timeout beyond what a timer can hold (%d ms) is a very long one, not 1 ms', async (ms) => {
      const run = runHealthCheck({ name: 'slow', check: () => new Promise((resolve) => setTimeout(resolve, 60_000)) }, ms, systemClock, 300);
      await jest.advanceTimersByTimeAsync(60_000);
      await expect(run).resolves.toMatchObject({ ok: true, latencyMs: 60_000 });
    });
  });
});
