import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DataSource } from 'typeorm';
import { ERROR_RECOVERY_DATA_SOURCE } from '../src/error-recovery/error-recovery.constants.js';
import { ErrorRecoveryModule, type ErrorRecoveryModuleOptions } from '../src/error-recovery/index.js';
import { flushed } from './support/app.js';
import { DATABASE_URL, testDatabase, uniqueService } from './support/database.js';
import { eventually } from './support/polling.js';

const ROOT = join(import.meta.dirname, '..');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs test/fixtures/process/net-child.ts to its end. */
function runChild(env: Record<string, string>): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', './test/support/ts-loader.mjs', 'test/fixtures/process/net-child.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Node's report of an uncaught error: its stack's first line, the same with and without the module. */
const reported = (stderr: string, message: string): boolean => stderr.split('\n').some((line) => line === `Error: ${message}`);

describe('the last net: unhandled rejections and uncaught exceptions (contexts.processErrors)', () => {
  const dirs: string[] = [];
  const tempDir = (label: string): string => {
    const dir = mkdtempSync(join(tmpdir(), `er-process-${label}-`));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The database of every process of this file: the suite's PostgreSQL, or one embedded PGlite on
   * disk that the children and the test's own apps open in turn (never two at once), made once:
   * creating one costs seconds.
   */
  let db: { env: Record<string, string>; options: ErrorRecoveryModuleOptions['database'] };
  beforeAll(() => {
    if (DATABASE_URL) db = { env: { DATABASE_URL }, options: testDatabase() };
    else {
      const dataDir = tempDir('pglite');
      db = { env: { DATABASE_URL: '', PGLITE_DIR: dataDir }, options: { dataDir, embedded: true } };
    }
  });

  /** Starts the app on that database (replaying the journal in `journalDir`, if any), and reads the service's rows. */
  async function nextStart(service: string, database: ErrorRecoveryModuleOptions['database'], journalDir: string | false): Promise<{ rows: Record<string, unknown>[]; app: INestApplication }> {
    const ref = await Test.createTestingModule({
      imports: [ErrorRecoveryModule.forRoot({ service, environment: 'production', adminToken: 't', database, writer: { journal: journalDir === false ? false : { dir: journalDir } } })],
    }).compile();
    const app = ref.createNestApplication({ logger: false });
    await app.init();
    await flushed(app);
    const rows = await app.get<DataSource>(ERROR_RECOVERY_DATA_SOURCE).query(`SELECT * FROM error_logs WHERE service = $1`, [service]);
    return { rows: rows as Record<string, unknown>[], app };
  }

  it('an unhandled rejection: stored and flushed before the process ends as it does without the module (exit code 1)', async () => {
    const service = uniqueService('rejection');
    const journalDir = tempDir('journal');
    const [plain, netted] = await Promise.all([
      runChild({ NET: 'none', FAIL: 'reject' }),
      runChild({ ...db.env, NET: 'on', FAIL: 'reject', SERVICE: service, JOURNAL_DIR: journalDir }),
    ]);
    expect(plain.code).toBe(1);
    expect(netted.code).toBe(plain.code);
    expect(netted.stdout).toContain('listeners 1 1');
    expect(reported(plain.stderr, 'settlement lost: token=hunter2')).toBe(true);
    expect(reported(netted.stderr, 'settlement lost: token=hunter2')).toBe(true);

    // Stored by the child itself: this start has no journal to replay.
    const { rows, app } = await nextStart(service, db.options, false);
    await app.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ context_type: 'process', operation: 'unhandledRejection', message: 'settlement lost: token=[Filtered]', context: {} });
  }, 60_000);

  it('an uncaught exception: exit code 1 as without the module; the row is kept on disk and the next start stores it once', async () => {
    const service = uniqueService('uncaught');
    const journalDir = tempDir('journal');
    const [plain, netted] = await Promise.all([runChild({ NET: 'none', FAIL: 'throw' }), runChild({ ...db.env, NET: 'on', FAIL: 'throw', SERVICE: service, JOURNAL_DIR: journalDir })]);
    expect(plain.code).toBe(1);
    expect(netted.code).toBe(plain.code);
    expect(reported(plain.stderr, 'ledger corrupted')).toBe(true);
    expect(reported(netted.stderr, 'ledger corrupted')).toBe(true);
    expect(readdirSync(journalDir)).toHaveLength(1);

    const first = await nextStart(service, db.options, journalDir);
    await first.app.close();
    expect(first.rows).toHaveLength(1);
    expect(first.rows[0]).toMatchObject({ context_type: 'process', operation: 'uncaughtException', message: 'ledger corrupted', resolved_at: null });
    // Replayed once: the file is gone, a later start finds nothing to replay.
    expect(readdirSync(journalDir)).toEqual([]);
  }, 60_000);

  describe('listeners', () => {
    const counts = (): [number, number] => [process.listenerCount('unhandledRejection'), process.listenerCount('uncaughtExceptionMonitor')];

    async function appWith(contexts: ErrorRecoveryModuleOptions['contexts']): Promise<INestApplication> {
      const ref = await Test.createTestingModule({
        imports: [ErrorRecoveryModule.forRoot({ service: uniqueService('listeners'), environment: 'production', adminToken: 't', database: db.options, contexts })],
      }).compile();
      const app = ref.createNestApplication({ logger: false });
      return app.init();
    }

    it('off (the default): none installed', async () => {
      const before = counts();
      const app = await appWith(undefined);
      expect(counts()).toEqual(before);
      await app.close();
    });

    it('two apps of one process with the net on: an unhandled rejection is one row, not one per app', async () => {
      const service = uniqueService('two-nets');
      // One embedded database per app (two apps cannot open one PGlite directory at once).
      const databases = DATABASE_URL ? [db.options, db.options] : [{ dataDir: tempDir('pglite-a'), embedded: true }, { dataDir: tempDir('pglite-b'), embedded: true }];
      const apps: INestApplication[] = [];
      for (const database of databases) {
        const ref = await Test.createTestingModule({
          imports: [ErrorRecoveryModule.forRoot({ service, environment: 'production', adminToken: 't', database, contexts: { processErrors: true } })],
        }).compile();
        apps.push(await ref.createNestApplication({ logger: false }).init());
      }
      // The app listens too: it decides, so the nets only store.
      const own = (): void => undefined;
      process.on('unhandledRejection', own);
      try {
        process.emit('unhandledRejection', new Error('orphaned promise'), Promise.resolve());
        // The ids of the rows of both apps (they may share one database: each row counted once).
        const idsOfBoth = async (): Promise<Set<unknown>> => {
          const ids = new Set<unknown>();
          for (const app of apps) {
            await flushed(app);
            const rows = (await app.get<DataSource>(ERROR_RECOVERY_DATA_SOURCE).query(`SELECT id FROM error_logs WHERE service = $1`, [service])) as { id: unknown }[];
            for (const row of rows) ids.add(row.id);
          }
          return ids;
        };
        await eventually(idsOfBoth, (ids) => ids.size > 0, 5000);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect((await idsOfBoth()).size).toBe(1);
      } finally {
        process.off('unhandledRejection', own);
        for (const app of apps) await app.close();
      }
    });

    it('on: one of each while the app runs, removed when it closes', async () => {
      const before = counts();
      const app = await appWith({ processErrors: true });
      expect(counts()).toEqual([before[0] + 1, before[1] + 1]);
      await app.close();
      expect(counts()).toEqual(before);
    });
  });
});
