import { decidePoolGrowth, reasonNotToGrow } from './pool-size.policy.js';

describe('decidePoolGrowth', () => {
  it.each([
    [10, 150, 50, { grow: true, to: 15 }],
    [1, 150, 50, { grow: true, to: 2 }],
    [3, 150, 50, { grow: true, to: 5 }],
    [40, 150, 50, { grow: true, to: 50 }],
    [10, 300, 50, { grow: true, to: 30 }],
    [49, 101, 50, { grow: true, to: 50 }],
    [10, 150, 12.5, { grow: true, to: 12 }],
  ])('grows %i by %i %% under ceiling %i', (current, percent, ceiling, expected) => {
    expect(decidePoolGrowth(current, percent, ceiling)).toEqual(expected);
  });

  it.each([
    [50, 150, 50, 'pool max 50 already at the ceiling 50'],
    [60, 150, 50, 'pool max 60 already at the ceiling 50'],
    [10, 100, 50, 'incrementPercent 100 does not grow the pool (it must be above 100)'],
    [10, 50, 50, 'incrementPercent 50 does not grow the pool (it must be above 100)'],
    [10, NaN, 50, 'incrementPercent NaN does not grow the pool (it must be above 100)'],
    [10, 150, 0, 'ceiling 0 is not a pool size'],
  ])('does not grow %i by %i %% under ceiling %i', (current, percent, ceiling, reason) => {
    expect(decidePoolGrowth(current, percent, ceiling)).toEqual({ grow: false, reason });
  });
});

describe('reasonNotToGrow', () => {
  const full = { max: 10, totalCount: 10, idleCount: 0, waitingCount: 3 };
  const roomy = { max: 10, totalCount: 4, idleCount: 2, waitingCount: 0 };

  it('grows on a pool timeout even when connections were released since', () => {
    expect(reasonNotToGrow('timeout exceeded when trying to connect', undefined, roomy, false)).toBeUndefined();
  });

  it('grows an exhausted pool on another transient error', () => {
    expect(reasonNotToGrow('Connection terminated unexpectedly', undefined, full, false)).toBeUndefined();
    expect(reasonNotToGrow('deadlock detected', '40P01', { ...full, waitingCount: 0 }, false)).toBeUndefined();
  });

  it('does not grow a pool with room to spare', () => {
    expect(reasonNotToGrow('deadlock detected', '40P01', roomy, false)).toBe('pool not exhausted (4 of 10 connections open, 2 idle)');
  });

  it('grows once for a burst of pool timeouts: after a growth only a full pool grows again', () => {
    const timeout = 'timeout exceeded when trying to connect';
    expect(reasonNotToGrow(timeout, undefined, { max: 15, totalCount: 10, idleCount: 0, waitingCount: 0 }, true)).toBe('pool already grown and not full (10 of 15 connections open, 0 idle)');
    expect(reasonNotToGrow(timeout, undefined, { ...full, max: 10 }, true)).toBeUndefined();
  });

  it('never adds clients when the server refuses more', () => {
    expect(reasonNotToGrow('sorry, too many clients already', undefined, full, false)).toMatch(/too many clients/);
    expect(reasonNotToGrow('remaining connection slots are reserved', '53300', full, false)).toMatch(/would make it worse/);
  });
});
