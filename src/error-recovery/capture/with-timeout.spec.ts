import { jest } from '@jest/globals';
import { firstValueFrom, NEVER, of, Subject, TimeoutError } from 'rxjs';
import { withTimeout } from './with-timeout.js';

describe('withTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fails with rxjs TimeoutError when nothing arrives in time', async () => {
    const result = firstValueFrom(withTimeout(NEVER, 100)).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(100);
    expect(await result).toBeInstanceOf(TimeoutError);
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
});
