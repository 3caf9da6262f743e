import type { ErrorLogStore } from './error-log-store.interface.js';
import type { PendingErrorLog } from './error-log.record.js';
import { isRowError } from './row-error.js';

/** What became of entries handed to {@link insertBatches}. Entries in none of the lists are still to be written. */
export interface InsertOutcome {
  stored: PendingErrorLog[];
  /** Refused by the database for good (the row itself is bad). */
  rejected: { entry: PendingErrorLog; error: unknown }[];
  /** Set when the store failed (down, timeout): the entries not listed above are to be retried. */
  failure?: unknown;
}

/**
 * Writes `entries` in batches of `batchSize`, all batches at once (each on its own connection).
 * `complete` finishes each entry right before its insert; an entry it throws on can never be stored
 * (retrying cannot help) and is rejected, like a row the database refuses, instead of failing its
 * batch forever. A batch refused because of one bad row is written row by row, so one bad row does
 * not block the others.
 */
export async function insertBatches(
  store: ErrorLogStore,
  entries: readonly PendingErrorLog[],
  batchSize: number,
  complete: (entry: PendingErrorLog) => PendingErrorLog,
): Promise<InsertOutcome> {
  const outcome: InsertOutcome = { stored: [], rejected: [] };
  const batches: PendingErrorLog[][] = [];
  for (let i = 0; i < entries.length; i += batchSize) batches.push(entries.slice(i, i + batchSize));
  await Promise.all(
    batches.map(async (given) => {
      // The outcome names the entries as given (the writer finds them by identity).
      const batch: PendingErrorLog[] = [];
      const completed: PendingErrorLog[] = [];
      for (const entry of given) {
        try {
          completed.push(complete(entry));
          batch.push(entry);
        } catch (error) {
          outcome.rejected.push({ entry, error });
        }
      }
      if (batch.length === 0) return;
      try {
        await store.insertBatch(completed);
        outcome.stored.push(...batch);
      } catch (error) {
        if (!isRowError(error)) {
          outcome.failure ??= error;
          return;
        }
        await insertOneByOne(store, batch, completed, outcome);
      }
    }),
  );
  return outcome;
}

async function insertOneByOne(store: ErrorLogStore, batch: PendingErrorLog[], completed: PendingErrorLog[], outcome: InsertOutcome): Promise<void> {
  for (const [i, entry] of batch.entries()) {
    try {
      await store.insertBatch([completed[i]]);
      outcome.stored.push(entry);
    } catch (error) {
      if (!isRowError(error)) {
        outcome.failure ??= error;
        return;
      }
      outcome.rejected.push({ entry, error });
    }
  }
}
