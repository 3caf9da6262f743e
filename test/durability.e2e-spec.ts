import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ErrorLogWriter } from '../src/error-recovery/persistence/error-log.writer.js';
import { ScenarioModule } from './fixtures/scenario.module.js';
import { rawQuery, rowsOf, startApp } from './support/app.js';
import { DATABASE_URL, testDatabase, uniqueService, usingPostgres } from './support/database.js';
import { eventually } from './support/polling.js';
import { TcpProxy } from './support/tcp-proxy.js';

// The outage is made by cutting a real TCP path to PostgreSQL; the embedded database has none.
const describeWithPostgres = usingPostgres ? describe : describe.skip;

describeWithPostgres('error store unreachable', () => {
  it('answers the client at once, keeps the error, and stores it once the store is back', async () => {
    const target = new URL(DATABASE_URL!);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(DATABASE_URL!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const service = uniqueService('outage');
    const app = await startApp([
      ScenarioModule.forRoot({
        service,
        environment: 'production',
        database: { url: viaProxy.toString(), poolSize: 1, connectTimeoutMs: 500 },
        writer: { flushIntervalMs: 5, maxRetryDelayMs: 200 },
      }),
    ]);
    const writer = app.get(ErrorLogWriter);
    try {
      await proxy.stop();
      const res = await request(app.getHttpServer()).get('/s/plain').expect(500);
      const id = res.body.error.error_id as string;
      expect(res.body.error).toMatchObject({ type: 'Error', message: expect.any(String) });
      await eventually(async () => writer.stats().failedFlushes, (n) => n >= 2);
      expect(writer.stats().queued).toBe(1);
      expect(await rowsOf(service)).toHaveLength(0);

      await proxy.start();
      await eventually(() => rowsOf(service), (rows) => rows.length > 0);
      const rows = await rowsOf(service);
      expect(rows.map((r) => r.id)).toEqual([id]);
      expect(writer.stats()).toMatchObject({ queued: 0, written: 1, dropped: { queue_full: 0, rejected_by_database: 0, shutdown_timeout: 0, after_close: 0 } });
    } finally {
      await app.close();
      await proxy.stop();
    }
  });
});

describe('graceful shutdown', () => {
  let dataDir: string | undefined;
  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes every queued error before the app closes', async () => {
    const service = uniqueService('shutdown');
    // On the embedded database the rows must outlive the app: use a directory, not memory.
    if (!usingPostgres) dataDir = mkdtempSync(join(tmpdir(), 'er-shutdown-'));
    const app = await startApp([
      ScenarioModule.forRoot({
        service,
        environment: 'production',
        database: usingPostgres ? testDatabase() : { dataDir, embedded: true },
        // Nothing is written before shutdown unless shutdown writes it.
        writer: { flushIntervalMs: 60_000, batchSize: 1000 },
      }),
    ]);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await request(app.getHttpServer()).get('/s/plain').expect(500);
      ids.push(res.body.error.error_id);
    }
    expect(app.get(ErrorLogWriter).stats().queued).toBe(40);
    await app.close();
    const rows = await rawQuery<{ id: string }>(`SELECT id FROM error_logs WHERE service = $1`, [service]);
    expect(rows.map((r) => r.id).sort()).toEqual(ids.sort());
  });
});
