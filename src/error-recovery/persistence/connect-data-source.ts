import { MigrationExecutor, type DataSource } from 'typeorm';

/** Serialises migrations of several app instances starting at once (pg advisory lock id). */
const MIGRATION_LOCK_ID = 7_351_937_281;

/** Data sources already migrated in this process: the error-log and alert stores share one. */
const migrated = new WeakSet<DataSource>();
const connecting = new WeakMap<DataSource, Promise<void>>();

/**
 * Initialises the module's DataSource and, when `migrationsRun`, applies the module's pending
 * migrations under an advisory lock. Stores sharing the DataSource share the attempt; a failed
 * attempt is forgotten so the next call tries again.
 */
export function connectDataSource(dataSource: DataSource, migrationsRun: boolean): Promise<void> {
  if (dataSource.isInitialized && (!migrationsRun || migrated.has(dataSource))) return Promise.resolve();
  let attempt = connecting.get(dataSource);
  if (!attempt) {
    attempt = connect(dataSource, migrationsRun).finally(() => connecting.delete(dataSource));
    connecting.set(dataSource, attempt);
  }
  return attempt;
}

async function connect(dataSource: DataSource, migrationsRun: boolean): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  if (!migrationsRun || migrated.has(dataSource)) return;
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_ID})`);
    try {
      // On the connection that holds the lock: a pool of one must not wait for a second connection.
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      await executor.executePendingMigrations();
      migrated.add(dataSource);
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
    }
  } finally {
    await runner.release();
  }
}

/** Destroys the DataSource once; the stores sharing it may all call this. */
export async function closeDataSource(dataSource: DataSource): Promise<void> {
  await connecting.get(dataSource)?.catch(() => undefined);
  if (dataSource.isInitialized) await dataSource.destroy();
}
