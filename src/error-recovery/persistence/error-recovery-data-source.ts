import { DataSource, type DataSourceOptions } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { ERROR_RECOVERY_MIGRATIONS } from '../../../migrations/index.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorLogEntity } from './error-log.entity.js';
import { RecoveryActionEntity } from './recovery-action.entity.js';

/** The module's migration history is kept apart from the app's own. */
export const ERROR_RECOVERY_MIGRATIONS_TABLE = 'error_recovery_migrations';

/**
 * Builds (does not connect) the module's own DataSource: from `database.url`, from the connection
 * options of an app DataSource (with a separate small pool), or an embedded PGlite in `dataDir`.
 * `onPoolError` receives errors of idle connections (e.g. killed by the server) instead of the
 * process crashing on an unhandled 'error' event. PGlite (a WASM PostgreSQL) is imported only
 * when the embedded database is used: an app on a real PostgreSQL never loads it.
 */
export async function createErrorRecoveryDataSource(
  database: ResolvedErrorRecoveryOptions['database'],
  onPoolError: (error: unknown) => void,
): Promise<DataSource> {
  const own: Partial<PostgresDataSourceOptions> = {
    entities: [ErrorLogEntity, RecoveryActionEntity],
    migrations: ERROR_RECOVERY_MIGRATIONS,
    migrationsTableName: ERROR_RECOVERY_MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    installExtensions: false,
    poolErrorHandler: onPoolError,
  };
  // A stalled database must not hold a write (and so shutdown) forever.
  const timeouts = { statement_timeout: database.queryTimeoutMs, query_timeout: database.queryTimeoutMs };
  if (database.url) {
    return new DataSource({
      type: 'postgres',
      url: database.url,
      poolSize: database.poolSize,
      connectTimeoutMS: database.connectTimeoutMs,
      applicationName: 'nest-error-recovery',
      extra: timeouts,
      ...own,
    } as DataSourceOptions);
  }
  if (database.dataSource) {
    const base = database.dataSource.options;
    if (base.type !== 'postgres') {
      throw new Error(
        `nest-error-recovery stores errors in PostgreSQL; the given DataSource is "${base.type}". ` +
          'Pass database.url instead.',
      );
    }
    const extra = { ...(base as { extra?: Record<string, unknown> }).extra, ...timeouts };
    return new DataSource({ ...base, poolSize: database.poolSize, extra, ...own } as DataSourceOptions);
  }
  const dataDir = database.dataDir === 'memory://' ? undefined : database.dataDir;
  const { PGliteDriver } = await import('typeorm-pglite');
  return new DataSource({
    type: 'postgres',
    driver: new PGliteDriver(dataDir ? { dataDir } : {}).driver,
    ...own,
  } as DataSourceOptions);
}

/** True when the DataSource runs on the embedded PGlite (one session, no real pool). */
export function isEmbedded(database: ResolvedErrorRecoveryOptions['database']): boolean {
  return !database.url && !database.dataSource?.options;
}
