import { DataSource } from 'typeorm';
import type { ErrorLogStore } from './persistence/error-log-store.interface.js';
import type { ErrorRecoveryModuleOptions } from './error-recovery-options.interface.js';
import { resolveOptions } from './error-recovery-options.js';
import { isEmbeddedDatabaseInProductionError } from './errors/embedded-database-in-production.error.js';
import { assertRealStoreInProduction, embeddedInProductionProblem, isProductionEnvironment } from './production-store.js';

const problem = (options: ErrorRecoveryModuleOptions, env: NodeJS.ProcessEnv = {}): string | undefined =>
  embeddedInProductionProblem(resolveOptions(options, env));
const store = {} as ErrorLogStore;

describe('production needs a real store', () => {
  it('counts production and prod (any case) as production, nothing else', () => {
    expect(['production', 'PRODUCTION', ' prod ', 'Prod'].map(isProductionEnvironment)).toEqual([true, true, true, true]);
    expect(['staging', 'test', 'development', 'dev', 'local', 'preprod', ''].map(isProductionEnvironment)).toEqual([false, false, false, false, false, false, false]);
  });

  it('refuses the embedded database in production, from NODE_ENV or the option, naming what to set', () => {
    const fromEnv = problem({}, { NODE_ENV: 'production' });
    expect(fromEnv).toBe(
      'nest-error-recovery: environment is "production" but no database is configured, so errors would be stored in the embedded PGlite in ./data. ' +
        'Set database.url (e.g. process.env.DATABASE_URL), database.dataSource or store, or set database: { embedded: true } to keep the embedded database on purpose.',
    );
    expect(problem({ environment: 'prod', database: { dataDir: 'memory://' } })).toContain('errors would be stored in memory (lost at every restart)');
    // The option wins over NODE_ENV, both ways.
    expect(problem({ environment: 'production' }, { NODE_ENV: 'development' })).toBeDefined();
    expect(problem({ environment: 'staging' }, { NODE_ENV: 'production' })).toBeUndefined();
  });

  it('accepts a real database, the app store, or the embedded database chosen explicitly', () => {
    const env = { NODE_ENV: 'production' };
    expect(problem({ database: { url: 'postgres://db/errors' } }, env)).toBeUndefined();
    expect(problem({ database: { dataSource: new DataSource({ type: 'postgres' }) } }, env)).toBeUndefined();
    expect(problem({ store, alerts: { enabled: false } }, env)).toBeUndefined();
    expect(problem({ database: { embedded: true } }, env)).toBeUndefined();
    expect(problem({ database: { dataDir: 'memory://', embedded: true } }, env)).toBeUndefined();
  });

  it('outside production keeps the embedded default with no option', () => {
    expect(problem({}, {})).toBeUndefined();
    expect(problem({}, { NODE_ENV: 'test' })).toBeUndefined();
    expect(problem({ environment: 'staging' }, {})).toBeUndefined();
  });

  it('with the app store but alerts queued in the embedded outbox, names the outbox options', () => {
    const webhook = { webhook: { url: 'https://hooks.example.test/x' } };
    expect(problem({ store, alerts: webhook }, { NODE_ENV: 'production' })).toContain('Set database.url, database.dataSource or alertOutboxStore');
    expect(problem({ store, alerts: { ...webhook, enabled: false } }, { NODE_ENV: 'production' })).toBeUndefined();
    expect(problem({ store, alerts: webhook, alertOutboxStore: {} as never }, { NODE_ENV: 'production' })).toBeUndefined();
  });

  it('throws a typed error the guard recognises, also from another copy of the package (brand, not instanceof)', () => {
    let thrown: unknown;
    try {
      assertRealStoreInProduction(resolveOptions({ environment: 'production' }, {}));
    } catch (error) {
      thrown = error;
    }
    expect(isEmbeddedDatabaseInProductionError(thrown)).toBe(true);
    expect((thrown as Error).name).toBe('EmbeddedDatabaseInProductionError');
    const foreign = Object.assign(new Error('x'), { isEmbeddedDatabaseInProductionError: true });
    expect(isEmbeddedDatabaseInProductionError(foreign)).toBe(true);
    expect(isEmbeddedDatabaseInProductionError(new Error('x'))).toBe(false);
    expect(isEmbeddedDatabaseInProductionError({ isEmbeddedDatabaseInProductionError: true })).toBe(false);
  });
});
