import { jest } from '@jest/globals';
import { isRouteTimeoutError, type RouteTimeoutError } from '../errors/route-timeout.error.js';
import type { Clock } from '../resilience/clock.js';
import { raceRouteTimeout, withinRouteTimeout } from './within-route-timeout.js';

const clock: Clock = { now: () => 1_000, sleep: async () => undefined };

/** A handler's promise the test settles by hand. */
function pending<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function timedOut(race: Promise<unknown>): Promise<RouteTimeoutError> {
  const error = await race.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRouteTimeoutError(error)) throw new Error(`expected a RouteTimeoutError, got ${String(error)}`);
  return error;
}

describe('raceRouteTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('passes a plain value and a promise settled in time through, and leaves no timer behind', async () => {
    await expect(raceRouteTimeout({ ok: true }, 100, 0)).resolves.toEqual({ ok: true });
    const run = pending<string>();
    const race = raceRouteTimeout(run.promise, 100, 0);
    run.resolve('in time');
    await expect(race).resolves.toBe('in time');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('sets no timer when there is no limit', async () => {
    const run = pending<string>();
    const race = raceRouteTimeout(run.promise, 0, 0);
    expect(jest.getTimerCount()).toBe(0);
    run.resolve('late but fine');
    await expect(race).resolves.toBe('late but fine');
  });

  it('passes the handler’s own rejection through', async () => {
    const run = pending<string>();
    const race = raceRouteTimeout(run.promise, 100, 0);
    run.reject(new TypeError('bug'));
    await expect(race).rejects.toThrow('bug');
  });

  it('times out with the run handed over: a wait gets the late answer', async () => {
    const run = pending<string>();
    const race = raceRouteTimeout(run.promise, 100, 42);
    jest.advanceTimersByTime(100);
    const error = await timedOut(race);
    expect(error.timeoutMs).toBe(100);
    const handed = error.takeRun();
    expect(handed?.startedAt).toBe(42);
    const waited = handed!.wait(500);
    run.resolve('late');
    await expect(waited).resolves.toBe('late');
    expect(error.waitedInVain).toBe(false);
    // One wait per run.
    await expect(handed!.wait(500)).rejects.toThrow('already waited for or abandoned');
  });

  it('a wait that ends before the run answers is in vain, and abandons the run', async () => {
    const run = pending<string>();
    const error = await (async () => {
      const race = raceRouteTimeout(run.promise, 100, 0);
      jest.advanceTimersByTime(100);
      return timedOut(race);
    })();
    const handed = error.takeRun()!;
    const waited = handed.wait(200);
    jest.advanceTimersByTime(200);
    await expect(waited).rejects.toThrow(/did not answer within its/);
    expect(error.waitedInVain).toBe(true);
    run.resolve('too late');
    await expect(handed.wait(10)).rejects.toThrow('already waited for or abandoned');
  });

  it('an aborted wait ends at once', async () => {
    const run = pending<string>();
    const race = raceRouteTimeout(run.promise, 100, 0);
    jest.advanceTimersByTime(100);
    const handed = (await timedOut(race)).takeRun()!;
    const abort = new AbortController();
    const waited = handed.wait(10_000, abort.signal);
    abort.abort();
    await expect(waited).rejects.toThrow(/did not answer within its/);
    expect(handed.waitedInVain).toBe(true);
  });
});

describe('withinRouteTimeout', () => {
  it('turns a synchronous throw into a rejection', async () => {
    await expect(
      withinRouteTimeout(
        () => {
          throw new RangeError('sync');
        },
        100,
        clock,
      ),
    ).rejects.toThrow('sync');
  });
});
