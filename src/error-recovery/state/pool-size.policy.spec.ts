import { decidePoolAction, decidePoolGrowth } from './pool-size.policy.js';

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

describe('decidePoolAction', () => {
  const timeout = 'timeout exceeded when trying to connect';
  const full = { max: 10, totalCount: 10, idleCount: 0, waitingCount: 3 };
  const roomy = { max: 10, totalCount: 4, idleCount: 2, waitingCount: 0 };

  it.each<[string, string, string | undefined, typeof full, boolean, ReturnType<typeof decidePoolAction>]>([
    ['grows on a pool timeout even when connections were released since', timeout, undefined, roomy, false, { kind: 'grow' }],
    ['grows an exhausted pool on another transient error', 'Connection terminated unexpectedly', undefined, full, false, { kind: 'grow' }],
    ['grows a full pool with no waiter on a deadlock', 'deadlock detected', '40P01', { ...full, waitingCount: 0 }, false, { kind: 'grow' }],
    ['does not grow a pool with room to spare', 'deadlock detected', '40P01', roomy, false, { kind: 'skip', reason: 'pool not exhausted (4 of 10 connections open, 2 idle)' }],
    ['re-runs a pool timeout in the room a growth left (connections not opened yet)', timeout, undefined, { max: 15, totalCount: 10, idleCount: 0, waitingCount: 0 }, true, { kind: 'rerun', room: 5 }],
    ['re-runs a pool timeout on idle connections of a grown pool', timeout, undefined, { max: 5, totalCount: 5, idleCount: 2, waitingCount: 0 }, true, { kind: 'rerun', room: 2 }],
    ['grows again when the grown pool is full again', timeout, undefined, { ...full, max: 10 }, true, { kind: 'grow' }],
    ['grows again when waiters already take the room left', timeout, undefined, { max: 15, totalCount: 12, idleCount: 0, waitingCount: 3 }, true, { kind: 'grow' }],
    ['leaves a grown pool alone for an error that is not about the pool', 'deadlock detected', '40P01', roomy, true, { kind: 'skip', reason: 'pool already grown and not full (4 of 10 connections open, 2 idle)' }],
    ['never adds clients when the server refuses more', 'sorry, too many clients already', undefined, full, false, { kind: 'skip', reason: expect.stringMatching(/too many clients/) }],
    ['nor on SQLSTATE 53300', 'remaining connection slots are reserved', '53300', full, true, { kind: 'skip', reason: expect.stringMatching(/would make it worse/) }],
  ])('%s', (_what, text, code, usage, grown, expected) => {
    expect(decidePoolAction(text, code, usage, grown)).toEqual(expected);
  });
});
