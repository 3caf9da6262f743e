import { resolveDeadLetterQueueOptions } from './dead-letter-options.interface.js';

describe('resolveDeadLetterQueueOptions', () => {
  it('has the documented defaults', () => {
    expect(resolveDeadLetterQueueOptions()).toEqual({
      process: true,
      pollIntervalMs: 5000,
      batchSize: 10,
      leaseMs: 300_000,
      maxAttempts: 5,
      baseDelayMs: 10_000,
      maxDelayMs: 3_600_000,
      maxPayloadBytes: 1_048_576,
      alertThreshold: 100,
    });
  });

  it('raises numbers below their minimum and ignores what is not a number', () => {
    const resolved = resolveDeadLetterQueueOptions({ pollIntervalMs: 1, batchSize: 0, leaseMs: Number.NaN, maxAttempts: 2.7, alertThreshold: 0 });
    expect(resolved).toMatchObject({ pollIntervalMs: 10, batchSize: 1, leaseMs: 300_000, maxAttempts: 2, alertThreshold: 0 });
  });
});
