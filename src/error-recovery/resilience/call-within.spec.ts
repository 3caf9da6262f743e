import { jest } from '@jest/globals';
import { callWithin } from './call-within.js';
import { systemClock } from './clock.js';
import { SteppedClock } from './stepped-clock.spec-helper.js';

const timeout = (): Error => new Error('too slow');

describe('callWithin', () => {
  it('passes a value or an error on, and leaves no timer behind', async () => {
    const clock = new SteppedClock();
    await expect(callWithin(async () => 7, 100, clock, timeout)).resolves.toBe(7);
    await expect(callWithin(() => { throw new Error('sync boom'); }, 100, clock, timeout)).rejects.toThrow('sync boom');
    expect(clock.pending).toBe(0);
  });

  it('rejects at the deadline, aborts the signal the call got, and handles the abandoned rejection', async () => {
    const clock = new SteppedClock();
    let seen: AbortSignal | undefined;
    let rejectLate: (e: Error) => void = () => undefined;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const result = callWithin((signal) => { seen = signal; return new Promise<number>((_, reject) => (rejectLate = reject)); }, 100, clock, timeout);
      await clock.advance(99);
      expect(seen?.aborted).toBe(false);
      await clock.advance(1);
      await expect(result).rejects.toThrow('too slow');
      expect(seen?.aborted).toBe(true);
      rejectLate(new Error('late failure'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("stops with the caller's reason when its signal aborts, and refuses to start on an aborted one", async () => {
    const clock = new SteppedClock();
    const outer = new AbortController();
    const result = callWithin(() => new Promise(() => undefined), 0, clock, timeout, outer.signal);
    outer.abort(new Error('client gone'));
    await expect(result).rejects.toThrow('client gone');
    await expect(callWithin(async () => 1, 10, clock, timeout, outer.signal)).rejects.toThrow('client gone');
  });

  describe('on real timers', () => {
    beforeEach(() => jest.useFakeTimers({ now: 0 }));
    afterEach(() => jest.useRealTimers());

    it.each([Number.MAX_SAFE_INTEGER, 2 ** 31])('a deadline beyond what a timer can hold (%d ms) is a very long one, not 1 ms', async (ms) => {
      let settled: unknown;
      const call = callWithin(() => new Promise<string>((resolve) => setTimeout(() => resolve('answered'), 60_000)), ms, systemClock, timeout);
      void call.then((v) => (settled = v), (e: unknown) => (settled = e));
      await jest.advanceTimersByTimeAsync(60_000);
      expect(settled).toBe('answered');
    });
  });
});
