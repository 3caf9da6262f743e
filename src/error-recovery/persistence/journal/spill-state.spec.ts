import { DIRECT, nextSpillState, spillsToJournal, type SpillState } from './spill-state.js';

const queued = (waiting: number) => ({ type: 'queued', waiting, spillAbove: 100 }) as const;

describe('nextSpillState', () => {
  it('writes directly while the queue stays under spillAbove', () => {
    expect(nextSpillState(DIRECT, queued(99), 5)).toBe(DIRECT);
    expect(spillsToJournal(DIRECT)).toBe(false);
  });

  it('spills from spillAbove rows waiting, dated by the clock', () => {
    const s = nextSpillState(DIRECT, queued(100), 1234);
    expect(s).toEqual({ kind: 'spilling', reason: 'backlog', since: 1234 });
    expect(spillsToJournal(s)).toBe(true);
  });

  it('spills when a write fails, keeps the first failure time while it keeps failing', () => {
    const down = nextSpillState(DIRECT, { type: 'write_failed' }, 10);
    expect(down).toEqual({ kind: 'spilling', reason: 'store_down', since: 10 });
    expect(nextSpillState(down, { type: 'write_failed' }, 99)).toBe(down);
    // Behind, then down: down is what matters now.
    expect(nextSpillState({ kind: 'spilling', reason: 'backlog', since: 1 }, { type: 'write_failed' }, 20)).toEqual({ kind: 'spilling', reason: 'store_down', since: 20 });
  });

  it('replays after a successful write, and goes direct only once nothing waits', () => {
    const down: SpillState = { kind: 'spilling', reason: 'store_down', since: 10 };
    const replaying = nextSpillState(down, { type: 'write_succeeded' }, 50);
    expect(replaying).toEqual({ kind: 'replaying', since: 50 });
    // New errors still go to the journal while it is replayed: they must come after the older ones.
    expect(spillsToJournal(replaying)).toBe(true);
    expect(nextSpillState(replaying, queued(5000), 60)).toBe(replaying);
    expect(nextSpillState(replaying, { type: 'drained' }, 70)).toEqual(DIRECT);
  });

  it('stays spilling while the store is down, even with nothing left to write', () => {
    const down: SpillState = { kind: 'spilling', reason: 'store_down', since: 10 };
    expect(nextSpillState(down, { type: 'drained' }, 20)).toBe(down);
    expect(nextSpillState({ kind: 'spilling', reason: 'backlog', since: 1 }, { type: 'drained' }, 20)).toEqual(DIRECT);
  });

  it('a failure while replaying spills again', () => {
    expect(nextSpillState({ kind: 'replaying', since: 1 }, { type: 'write_failed' }, 30)).toEqual({ kind: 'spilling', reason: 'store_down', since: 30 });
  });
});
