import type { DropReason } from './drop-counter.js';
import type { JournalStats } from './journal/error-journal.js';
import type { SpillState } from './journal/spill-state.js';

/** Counters of the writer, exposed by `GET /api/errors/stats`. */
export interface WriterStats {
  /** Errors (and late action groups) waiting to be stored: in memory and in the journal. */
  queued: number;
  written: number;
  dropped: Record<DropReason, number>;
  failedFlushes: number;
  connected: boolean;
  lastError: string | null;
  /** `direct`, `spilling` (new errors go to the journal) or `replaying` (the journal is being stored). */
  mode: SpillState['kind'];
  /** null when the journal is off (`writer.journal: false`). */
  journal: JournalStats | null;
}
