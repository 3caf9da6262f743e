/**
 * Where the writer sends a new error: to the in-memory queue (`direct`), or to the journal —
 * while the queue is too long or the store is down (`spilling`), and afterwards until the journal
 * is replayed (`replaying`), so that the errors reach the store in the order they were captured.
 */
export type SpillState =
  | { kind: 'direct' }
  | { kind: 'spilling'; reason: 'backlog' | 'store_down'; since: number }
  | { kind: 'replaying'; since: number };

/** What the writer observed. */
export type SpillEvent =
  /** An error was queued in memory; `waiting` rows wait there now. */
  | { type: 'queued'; waiting: number; spillAbove: number }
  /** A write to the store failed (not because of one bad row). */
  | { type: 'write_failed' }
  /** A write to the store succeeded. */
  | { type: 'write_succeeded' }
  /** The queue and the journal are both empty. */
  | { type: 'drained' };

export const DIRECT: SpillState = { kind: 'direct' };

/** The next state. Pure; `now` (ms) from the injected clock dates a change of state. */
export function nextSpillState(state: SpillState, event: SpillEvent, now: number): SpillState {
  switch (event.type) {
    case 'queued':
      return state.kind === 'direct' && event.waiting >= event.spillAbove ? { kind: 'spilling', reason: 'backlog', since: now } : state;
    case 'write_failed':
      return state.kind === 'spilling' && state.reason === 'store_down' ? state : { kind: 'spilling', reason: 'store_down', since: now };
    case 'write_succeeded':
      return state.kind === 'spilling' ? { kind: 'replaying', since: now } : state;
    case 'drained':
      // A store that is down stays down until a write succeeds, whatever is left to write.
      return state.kind === 'spilling' && state.reason === 'store_down' ? state : DIRECT;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** True when new errors go to the journal. */
export const spillsToJournal = (state: SpillState): boolean => state.kind !== 'direct';
