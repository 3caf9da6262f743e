import { jest } from '@jest/globals';
import { settlesWithin } from './settles-within.js';

describe('settlesWithin', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is true when the work settles first, resolved or rejected', async () => {
    await expect(settlesWithin(Promise.resolve(1), 100)).resolves.toBe(true);
    await expect(settlesWithin(Promise.reject(new Error('x')), 100)).resolves.toBe(true);
  });

  it('is false at the deadline, without waiting for the work', async () => {
    const waiting = settlesWithin(new Promise(() => undefined), 100);
    await jest.advanceTimersByTimeAsync(100);
    await expect(waiting).resolves.toBe(false);
  });
});
