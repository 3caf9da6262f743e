import type { DataSource, EntityManager } from 'typeorm';
import { isSerializationFailure } from '../../resilience/retryable-error.js';
import { namedRetryPolicy } from './named-retry-policy.js';
import type { RetryPresetName } from './retry-options.interface.js';
import { RetryPolicy } from './retry-policy.js';

/** PostgreSQL's isolation levels, as TypeORM names them. */
export type TransactionIsolation = 'READ UNCOMMITTED' | 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** Options of {@link runInTransaction}. */
export interface RunInTransactionOptions {
  /**
   * Isolation level. Default `SERIALIZABLE`: the level at which PostgreSQL detects every anomaly
   * and reports it as a serialization failure (40001), which this helper then re-runs.
   */
  isolation?: TransactionIsolation;
  /**
   * Attempts, delays and deadline of the re-runs: a policy, or a preset or configured policy name.
   * Default `database` (3 attempts, 50 ms doubling up to 1 s, 10 s deadline). Whatever the policy's
   * own predicate, only 40001/40P01 re-run the transaction.
   */
  policy?: RetryPolicy | RetryPresetName | (string & {});
  /** Aborting stops a wait between runs at once and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Runs `work` in a transaction on `dataSource` (the app's own), commits when it returns and rolls
 * back when it throws. A serialization failure (40001) or deadlock (40P01) — PostgreSQL rolled the
 * whole transaction back — runs it again from the start, within the policy; any other error is
 * rethrown after the rollback, never retried: after a lost connection nobody knows whether COMMIT
 * happened, and running the work twice could apply it twice. `work` must do nothing outside the
 * transaction it cannot repeat (send no mail, charge no card): it may run more than once.
 *
 * @example
 * ```ts
 * await runInTransaction(dataSource, async (manager) => {
 *   const [{ sum }] = await manager.query('SELECT coalesce(sum(amount), 0) AS sum FROM ledger');
 *   await manager.insert(Ledger, { amount: 100 - Number(sum) });
 * });
 * ```
 */
export async function runInTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager, attempt: number) => Promise<T>,
  options: RunInTransactionOptions = {},
): Promise<T> {
  // async: an unknown policy name rejects the returned promise like every other failure.
  const policy = options.policy instanceof RetryPolicy ? options.policy : namedRetryPolicy(options.policy ?? 'database');
  const isolation = options.isolation ?? 'SERIALIZABLE';
  return policy.execute(({ attempt }) => dataSource.transaction(isolation, (manager) => work(manager, attempt)), {
    signal: options.signal,
    retryOn: isSerializationFailure,
  });
}
