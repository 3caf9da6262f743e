import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { ERROR_RECOVERY_MIGRATIONS } from './migrations/index.js';
import { ErrorLogEntity } from './src/error-recovery/persistence/error-log.entity.js';
import { RecoveryActionEntity } from './src/error-recovery/persistence/recovery-action.entity.js';
import { ERROR_RECOVERY_MIGRATIONS_TABLE } from './src/error-recovery/persistence/error-recovery-data-source.js';

/**
 * The DataSource of `npm run migration:run`: DATABASE_URL, or the embedded PGlite in ./data.
 * Run directly (`node dist/ormconfig.js`) it applies the pending migrations and exits.
 */
export const dataSource = new DataSource({
  type: 'postgres',
  ...(process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL }
    : { driver: new PGliteDriver({ dataDir: process.env.PGLITE_DATA_DIR ?? './data' }).driver }),
  entities: [ErrorLogEntity, RecoveryActionEntity],
  migrations: ERROR_RECOVERY_MIGRATIONS,
  migrationsTableName: ERROR_RECOVERY_MIGRATIONS_TABLE,
  migrationsTransactionMode: 'all',
  installExtensions: false,
});
export default dataSource;

if (import.meta.url === `file://${process.argv[1]}`) {
  await dataSource.initialize();
  const applied = await dataSource.runMigrations({ transaction: 'all' });
  process.stdout.write(
    applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}\n` : 'no pending migrations\n',
  );
  await dataSource.destroy();
}
