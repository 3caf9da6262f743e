import { jest } from '@jest/globals';
import { firstValueFrom, NEVER, Observable, of, Subject, TimeoutError } from 'rxjs';
import { classifyError } from '../classify/error-classifier.js';
import { isRouteTimeoutError, RouteTimeoutError } from '../errors/route-timeout.error.js';
import { replayTimeout, withTimeout } from './with-timeout.js';

/** A source whose subscription the test can see: `live` is true while someone is subscribed. */
function tracked<T>(): { source: Observable<T>; subject: Subject<T>; live: () => boolean } {
  const subject = new Subject<T>();
  let subscribed = 0;
  const source = new Observable<T>((subscriber) => {
    subscribed++;
    const inner = subject.subscribe(subscriber);
    return () => {
      subscribed--;
      inner.unsubscribe();
    };
  });
  return { source, subject, live: () => subscribed > 0 };
}

const timedOut = async (work: Promise<unknown>): Promise<RouteTimeoutError> => {
  const error = await work.catch((e: unknown) => e);
  if (!isRouteTimeoutError(error)) throw new Error(`expected a RouteTimeoutError, got ${String(error)}`);
  return error;
};

describe('withTimeout', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it.each([Infinity, Number.MAX_SAFE_INTEGER, 2 ** 31])('treats a timeout beyond what a timer can hold (%d ms) as a very long one, not as 1 ms', async (ms) => {
    const { source, subject, live } = tracked<number>();
    const result = firstValueFrom(withTimeout(source, ms));
    await jest.advanceTimersByTimeAsync(60_000);
    expect(live()).toBe(true);
    subject.next(7);
    await expect(result).resolves.toBe(7);
  });

  it('fails with a RouteTimeoutError when nothing arrives in time, and drops the run', async () => {
    const { source, live } = tracked<number>();
    const result = timedOut(firstValueFrom(withTimeout(source, 100)));
    await jest.advanceTimersByTimeAsync(100);
    const error = await result;
    expect(error.timeoutMs).toBe(100);
    expect(error.takeRun()).toBeUndefined();
    expect(live()).toBe(false);
  });

  it('is classified exactly as the rxjs TimeoutError', () => {
    const ours = classifyError(new RouteTimeoutError(100), { environment: 'production', severityOverrides: {} });
    const rxjs = classifyError(new TimeoutError(), { environment: 'production', severityOverrides: {} });
    const pick = (c: typeof ours) => [c.errorType, c.category, c.severity, c.httpStatus, c.transient, c.userMessage];
    expect(pick(ours)).toEqual(pick(rxjs));
    expect(ours.errorType).toBe('TimeoutError');
  });

  it('passes a value that arrives in time and clears its timer', async () => {
    const subject = new Subject<number>();
    const result = firstValueFrom(withTimeout(subject, 100));
    await jest.advanceTimersByTimeAsync(99);
    subject.next(1);
    expect(await result).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does nothing with 0', async () => {
    expect(await firstValueFrom(withTimeout(of(2), 0))).toBe(2);
  });

  describe('the run that timed out', () => {
    it('is not handed over: an Observable answers through Nest, its timeout reaches the filter', async () => {
      const error = timedOut(firstValueFrom(withTimeout(NEVER, 50)));
      await jest.advanceTimersByTimeAsync(50);
      expect((await error).takeRun()).toBeUndefined();
    });
  });
});

describe('replayTimeout', () => {
  it.each<[string, { timeoutMs?: number; maxMs?: number } | undefined, number, number]>([
    ['the route timeout by default', undefined, 10_000, 10_000],
    ['none when the route has none and nothing caps it', undefined, 0, 0],
    ['the requested timeout', { timeoutMs: 300 }, 10_000, 300],
    ['capped by what the budget leaves', { maxMs: 800 }, 10_000, 800],
    ['capped even on a route without a timeout', { maxMs: 800 }, 0, 800],
    ['the smaller of requested and cap', { timeoutMs: 300, maxMs: 800 }, 10_000, 300],
    ['never "no limit" when nothing is left', { maxMs: 0 }, 0, 1],
  ])('is %s', (_label, overrides, route, expected) => {
    expect(replayTimeout(overrides, route)).toBe(expected);
  });
});
