import type { RecoveryEventMap } from '../../events/recovery-events.js';
import type { Clock } from '../../resilience/clock.js';
import { FakeClock } from '../../resilience/fake-clock.spec-helper.js';
import { isUnknownRetryPresetError, type UnknownRetryPresetError } from '../../errors/unknown-retry-preset.error.js';
import { RetryPolicy, type RetryEventSink } from './retry-policy.js';
import type { RetryPolicyOptions } from './retry-options.interface.js';


const reset = (n = 1): Error => Object.assign(new Error(`read ECONNRESET (${n})`), { code: 'ECONNRESET' });

/** Fails with `errors` in turn, then answers `ok`; counts its calls. */
function flaky(errors: unknown[]): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      calls++;
      if (calls <= errors.length) throw errors[calls - 1];
      return 'ok';
    },
    calls: () => calls,
  };
}

function setUp(options: RetryPolicyOptions = {}) {
  const clock = new FakeClock();
  const events: Array<{ event: string; payload: unknown }> = [];
  const sink: RetryEventSink = { emit: (event, payload) => void events.push({ event, payload }) };
  const policy = new RetryPolicy({ random: () => 0.5, clock, ...options }, sink);
  return { clock, events, policy };
}

describe('RetryPolicy', () => {
  it('retries transient errors with jittered exponential backoff and answers with the value', async () => {
    const { clock, policy, events } = setUp({ baseDelayMs: 100, maxAttempts: 4 });
    const dep = flaky([reset(1), reset(2)]);
    await expect(policy.execute(dep.fn)).resolves.toBe('ok');
    expect(dep.calls()).toBe(3);
    // Full jitter pinned at 0.5: half of 100 and of 200.
    expect(clock.sleeps).toEqual([50, 100]);
    expect(events.map((e) => e.event)).toEqual(['retry.attempt', 'retry.attempt']);
    expect(events[0].payload).toEqual({ policy: 'custom', attempt: 1, delayMs: 50, error: 'read ECONNRESET (1)' });
    expect(policy.stats()).toMatchObject({ executions: 1, attempts: 3, retries: 2, successes: 1, giveUps: 0, retriesPerSuccess: 2 });
  });

  it('does not retry a permanent error: one attempt, the error as thrown, a give-up event', async () => {
    const { clock, policy, events } = setUp();
    const bug = new TypeError('x is undefined');
    const dep = flaky([bug]);
    await expect(policy.execute(dep.fn)).rejects.toBe(bug);
    expect(dep.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(events).toEqual([{ event: 'retry.gave_up', payload: { policy: 'custom', attempts: 1, reason: 'not_retryable', error: 'x is undefined' } }]);
    expect(policy.stats().giveUpReasons.not_retryable).toBe(1);
  });

  it('retries what the predicate says, not the classifier', async () => {
    const { policy } = setUp({ retryOn: (e) => e instanceof TypeError });
    const dep = flaky([new TypeError('once')]);
    await expect(policy.execute(dep.fn)).resolves.toBe('ok');
    const other = flaky([reset()]);
    await expect(policy.execute(other.fn)).rejects.toThrow('ECONNRESET');
    expect(other.calls()).toBe(1);
  });

  it('a predicate that throws means no retry', async () => {
    const { policy } = setUp({ retryOn: () => { throw new Error('bad predicate'); } });
    const dep = flaky([reset()]);
    await expect(policy.execute(dep.fn)).rejects.toThrow('ECONNRESET');
    expect(dep.calls()).toBe(1);
  });

  it('gives up after maxAttempts with the last error, and counts it', async () => {
    const { policy, events } = setUp({ maxAttempts: 3 });
    const dep = flaky([reset(1), reset(2), reset(3), reset(4)]);
    await expect(policy.execute(dep.fn)).rejects.toThrow('ECONNRESET (3)');
    expect(dep.calls()).toBe(3);
    expect(events.at(-1)).toEqual({ event: 'retry.gave_up', payload: { policy: 'custom', attempts: 3, reason: 'attempts_exhausted', error: 'read ECONNRESET (3)' } });
    expect(policy.stats()).toMatchObject({ giveUps: 1, successes: 0, retriesPerSuccess: null });
  });

  it('waits what Retry-After asks (header or retryAfter) instead of the backoff', async () => {
    const { clock, policy } = setUp({ preset: 'external_api', random: () => 0.5 });
    const limited = { message: 'Too Many Requests', response: { status: 429, headers: { 'retry-after': '7' } } };
    const dep = flaky([limited, Object.assign(new Error('slow down'), { status: 503, retryAfter: 2 })]);
    await expect(policy.execute(dep.fn)).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([7000, 2000]);
  });

  it('never waits past the deadline: a Retry-After beyond it rethrows at once', async () => {
    const { clock, policy, events } = setUp({ deadlineMs: 5000 });
    const limited = { message: 'Too Many Requests', response: { status: 429, headers: { 'retry-after': '60' } } };
    const dep = flaky([limited]);
    await expect(policy.execute(dep.fn)).rejects.toBe(limited);
    expect(clock.sleeps).toEqual([]);
    expect(events.at(-1)?.payload).toMatchObject({ reason: 'deadline', attempts: 1 });
  });

  it('stops retrying when attempts themselves run into the deadline', async () => {
    const clock = new FakeClock();
    const policy = new RetryPolicy({ clock, deadlineMs: 1000, maxAttempts: 10, baseDelayMs: 100, jitter: false, backoff: 'constant' });
    let calls = 0;
    const slow = async (): Promise<string> => {
      calls++;
      clock.time += 400;
      throw reset(calls);
    };
    await expect(policy.execute(slow)).rejects.toThrow('ECONNRESET (2)');
    // 400 + 100 + 400 = 900 elapsed: a 100 ms wait would end at the deadline.
    expect(calls).toBe(2);
  });

  it('abort during a wait rejects at once with the signal reason, and no attempt follows', async () => {
    const sleeping: Array<() => void> = [];
    const clock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise<void>((resolve, reject) => {
          sleeping.push(resolve);
          signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        }),
    };
    const policy = new RetryPolicy({ clock });
    const controller = new AbortController();
    const dep = flaky([reset(), reset()]);
    const running = policy.execute(dep.fn, { signal: controller.signal });
    await new Promise((r) => setImmediate(r));
    expect(sleeping).toHaveLength(1);
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(dep.calls()).toBe(1);
    expect(policy.stats().giveUpReasons.aborted).toBe(1);
  });

  it('an already aborted signal runs nothing', async () => {
    const { policy } = setUp();
    const dep = flaky([]);
    const reason = new Error('cancelled');
    await expect(policy.execute(dep.fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(dep.calls()).toBe(0);
  });

  it('a clock that fails to sleep does not change the outcome: the retry runs without the wait', async () => {
    const clock: Clock = { now: () => 0, sleep: () => Promise.reject(new Error('clock broke')) };
    const policy = new RetryPolicy({ clock });
    await expect(policy.execute(flaky([reset()]).fn)).resolves.toBe('ok');
  });

  it('hands each attempt its number and the signal', async () => {
    const { policy } = setUp();
    const seen: number[] = [];
    const signal = new AbortController().signal;
    await policy.execute(({ attempt, signal: given }) => {
      seen.push(attempt);
      expect(given).toBe(signal);
      if (attempt < 3) throw reset(attempt);
      return attempt;
    }, { signal });
    expect(seen).toEqual([1, 2, 3]);
  });

  describe('call(): the decorator form', () => {
    it('keeps a synchronous function synchronous and retries it at once, without waiting', () => {
      const { clock, policy } = setUp();
      let calls = 0;
      const value = policy.call(() => {
        calls++;
        if (calls < 3) throw reset(calls);
        return 42;
      });
      expect(value).toBe(42);
      expect(clock.sleeps).toEqual([]);
      expect(policy.stats()).toMatchObject({ attempts: 3, retries: 2, successes: 1 });
    });

    it('rethrows the last error of a synchronous function synchronously', () => {
      const { policy } = setUp({ maxAttempts: 2 });
      expect(() => policy.call(() => { throw reset(); })).toThrow('ECONNRESET');
      expect(policy.stats()).toMatchObject({ attempts: 2, giveUps: 1 });
    });

    it('an async function keeps its promise and waits between attempts', async () => {
      const { clock, policy } = setUp({ baseDelayMs: 100 });
      const dep = flaky([reset()]);
      const result = policy.call(dep.fn);
      expect(result).toBeInstanceOf(Promise);
      await expect(result).resolves.toBe('ok');
      expect(clock.sleeps).toEqual([50]);
      expect(policy.stats()).toMatchObject({ executions: 1, attempts: 2, retries: 1, successes: 1 });
    });
  });

  describe('presets', () => {
    it('ai_model makes 5 attempts', async () => {
      const { policy } = setUp({ preset: 'ai_model' });
      const dep = flaky(Array.from({ length: 9 }, (_, i) => reset(i + 1)));
      await expect(policy.execute(dep.fn)).rejects.toThrow('(5)');
      expect(dep.calls()).toBe(5);
      expect(policy.name).toBe('ai_model');
    });

    it('database retries serialization failures and deadlocks, 3 attempts with short delays', async () => {
      const { clock, policy } = setUp({ preset: 'database' });
      const serialization = Object.assign(new Error('could not serialize access'), { name: 'QueryFailedError', driverError: { code: '40001' } });
      const deadlock = Object.assign(new Error('deadlock detected'), { name: 'QueryFailedError', code: '40P01', driverError: { code: '40P01' } });
      await expect(policy.execute(flaky([serialization, deadlock]).fn)).resolves.toBe('ok');
      expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(1000);
      const dep = flaky([serialization, serialization, serialization]);
      await expect(policy.execute(dep.fn)).rejects.toBe(serialization);
      expect(dep.calls()).toBe(3);
      const unique = Object.assign(new Error('duplicate key'), { name: 'QueryFailedError', driverError: { code: '23505' } });
      const once = flaky([unique]);
      await expect(policy.execute(once.fn)).rejects.toBe(unique);
      expect(once.calls()).toBe(1);
    });

    it('external_api retries a 429 but not a 400', async () => {
      const { policy } = setUp({ preset: 'external_api' });
      await expect(policy.execute(flaky([{ message: 'Too Many Requests', response: { status: 429, headers: {} } }]).fn)).resolves.toBe('ok');
      const bad = flaky([{ message: 'Bad Request', response: { status: 400, headers: {} } }]);
      await expect(policy.execute(bad.fn)).rejects.toMatchObject({ message: 'Bad Request' });
      expect(bad.calls()).toBe(1);
    });

    it('an unknown preset is a clear error listing the valid names', () => {
      let thrown: unknown;
      try {
        new RetryPolicy('ai-model' as never);
      } catch (error) {
        thrown = error;
      }
      expect(isUnknownRetryPresetError(thrown)).toBe(true);
      expect((thrown as UnknownRetryPresetError).message).toMatch(/Unknown retry policy "ai-model".*ai_model, database, network, external_api/);
    });

    it('rejects a negative or non-finite number with the option named', () => {
      expect(() => new RetryPolicy({ baseDelayMs: -1 })).toThrow(/baseDelayMs must be a finite number >= 0/);
      expect(() => new RetryPolicy({ deadlineMs: Number.NaN })).toThrow(/deadlineMs/);
    });
  });

  it('a sink that throws never changes the outcome', async () => {
    const sink: RetryEventSink = { emit: () => { throw new Error('listener broke'); } };
    const policy = new RetryPolicy({ clock: new FakeClock() }, sink);
    await expect(policy.execute(flaky([reset()]).fn)).resolves.toBe('ok');
  });

  it('a hostile thrown value (every read throws) is rethrown as is, not retried, and reported', async () => {
    const { policy, events } = setUp();
    const hostile = new Proxy({}, { get: () => { throw new Error('trap'); }, has: () => { throw new Error('trap'); } });
    await expect(policy.execute(async () => { throw hostile; })).rejects.toBe(hostile);
    expect(events).toEqual([{ event: 'retry.gave_up', payload: expect.objectContaining({ reason: 'not_retryable', attempts: 1 }) }]);
  });

  it('events carry a scrubbed message', async () => {
    const { policy, events } = setUp({ maxAttempts: 1 });
    await expect(policy.execute(async () => { throw Object.assign(new Error('connect ECONNREFUSED postgres://app:s3cret@db:5432/x'), { code: 'ECONNREFUSED' }); })).rejects.toThrow();
    const payload = events[0].payload as RecoveryEventMap['retry.gave_up'];
    expect(payload.error).not.toContain('s3cret');
  });
});
