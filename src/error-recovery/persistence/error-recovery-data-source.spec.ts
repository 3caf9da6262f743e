import { jest } from '@jest/globals';

// typeorm-pglite is observed, not used: its factory runs when (and only when) something imports it.
const pglite = { loads: 0 };
const FAKE_DRIVER = { fake: 'pglite' };
jest.unstable_mockModule('typeorm-pglite', () => {
  pglite.loads++;
  return {
    PGliteDriver: class {
      readonly driver = FAKE_DRIVER;
    },
  };
});
const { createErrorRecoveryDataSource } = await import('./error-recovery-data-source.js');
const { resolveOptions } = await import('../error-recovery-options.js');

const database = (db: object) => resolveOptions({ service: 's', environment: 'test', database: db }, {}, () => undefined).database;

describe('createErrorRecoveryDataSource loads PGlite only for the embedded database', () => {
  it('builds a PostgreSQL DataSource from a URL without loading PGlite', async () => {
    const dataSource = await createErrorRecoveryDataSource(database({ url: 'postgres://u@127.0.0.1:1/db' }), () => undefined);
    expect(dataSource.options).toMatchObject({ type: 'postgres', url: 'postgres://u@127.0.0.1:1/db' });
    expect(pglite.loads).toBe(0);
  });

  it('loads PGlite for the embedded database and runs the DataSource on its driver', async () => {
    const dataSource = await createErrorRecoveryDataSource(database({ dataDir: 'memory://' }), () => undefined);
    expect(pglite.loads).toBe(1);
    expect((dataSource.options as { driver?: unknown }).driver).toBe(FAKE_DRIVER);
  });
});
