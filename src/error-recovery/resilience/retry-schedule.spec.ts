import { nextRetry, type RetrySchedule } from './retry-schedule.js';

const schedule = (over: Partial<RetrySchedule> = {}): RetrySchedule => ({
  maxAttempts: 4,
  deadlineMs: 0,
  backoff: { kind: 'exponential', baseMs: 100, maxMs: 1000, jitter: false },
  ...over,
});

describe('nextRetry', () => {
  it.each([
    ['exponential', [100, 200, 400]],
    ['linear', [100, 200, 300]],
    ['constant', [100, 100, 100]],
  ] as const)('waits the %s backoff of each retry', (kind, delays) => {
    const s = schedule({ backoff: { kind, baseMs: 100, maxMs: 1000, jitter: false } });
    expect([1, 2, 3].map((attempt) => nextRetry({ attempt, retryable: true, elapsedMs: 0 }, s))).toEqual(delays.map((delayMs) => ({ kind: 'retry', delayMs })));
  });

  it('caps each delay and applies full jitter from the injected random', () => {
    const s = schedule({ maxAttempts: 10, backoff: { kind: 'exponential', baseMs: 100, maxMs: 1000, jitter: true } });
    expect(nextRetry({ attempt: 8, retryable: true, elapsedMs: 0 }, s, () => 0.5)).toEqual({ kind: 'retry', delayMs: 500 });
    expect(nextRetry({ attempt: 1, retryable: true, elapsedMs: 0 }, s, () => 0)).toEqual({ kind: 'retry', delayMs: 0 });
  });

  it('gives up on an error that is not retryable, and after the last attempt', () => {
    expect(nextRetry({ attempt: 1, retryable: false, elapsedMs: 0 }, schedule())).toEqual({ kind: 'give_up', reason: 'not_retryable' });
    expect(nextRetry({ attempt: 4, retryable: true, elapsedMs: 0 }, schedule())).toEqual({ kind: 'give_up', reason: 'attempts_exhausted' });
    expect(nextRetry({ attempt: 1, retryable: true, elapsedMs: 0 }, schedule({ maxAttempts: 1 }))).toEqual({ kind: 'give_up', reason: 'attempts_exhausted' });
  });

  it('waits a stated Retry-After instead of the backoff, even beyond the backoff cap', () => {
    expect(nextRetry({ attempt: 1, retryable: true, elapsedMs: 0, retryAfterMs: 5000 }, schedule())).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(nextRetry({ attempt: 1, retryable: true, elapsedMs: 0, retryAfterMs: 0 }, schedule())).toEqual({ kind: 'retry', delayMs: 0 });
  });

  it('never waits past the deadline: a wait that would end at or after it is a give-up now', () => {
    const s = schedule({ deadlineMs: 1000 });
    expect(nextRetry({ attempt: 1, retryable: true, elapsedMs: 899 }, s)).toEqual({ kind: 'retry', delayMs: 100 });
    expect(nextRetry({ attempt: 1, retryable: true, elapsedMs: 900 }, s)).toEqual({ kind: 'give_up', reason: 'deadline' });
    expect(nextRetry({ attempt: 1, retryable: true, elapsedMs: 0, retryAfterMs: 1000 }, s)).toEqual({ kind: 'give_up', reason: 'deadline' });
    expect(nextRetry({ attempt: 1, retryable: true, elapsedMs: 0, retryAfterMs: 999 }, s)).toEqual({ kind: 'retry', delayMs: 999 });
  });
});
