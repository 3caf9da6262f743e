import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ErrorLogWriter } from '../src/error-recovery/persistence/error-log.writer.js';
import { resolveOptions } from '../src/error-recovery/error-recovery-options.js';
import { createErrorRecoveryDataSource } from '../src/error-recovery/persistence/error-recovery-data-source.js';
import { TypeOrmErrorLogStore } from '../src/error-recovery/persistence/typeorm-error-log.store.js';
import { HttpReceiver } from '../src/error-recovery/alerts/channels/http-receiver.spec-helper.js';
import { ScenarioModule } from './fixtures/scenario.module.js';
import { pendingError } from './fixtures/journal/pending-error.js';
import { rawQuery, startApp } from './support/app.js';
import { DATABASE_URL, uniqueService, usingPostgres } from './support/database.js';
import { eventually } from './support/polling.js';
import { TcpProxy } from './support/tcp-proxy.js';

// The outage is made by cutting a real TCP path to PostgreSQL (or by a process that cannot reach it).
const describeWithPostgres = usingPostgres ? describe : describe.skip;
const ROOT = join(import.meta.dirname, '..');

const storedIds = async (service: string): Promise<string[]> =>
  (await rawQuery<{ id: string }>(`SELECT id FROM error_logs WHERE service = $1`, [service])).map((r) => r.id);

/** A URL to PostgreSQL through `proxy`. */
function viaProxy(proxy: TcpProxy): string {
  const url = new URL(DATABASE_URL!);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

function scenario(service: string, url: string, dir: string, writer: Record<string, unknown> = {}, alerts?: Record<string, unknown>) {
  return ScenarioModule.forRoot({
    service,
    environment: 'production',
    database: { url, poolSize: 2, connectTimeoutMs: 500 },
    writer: { flushIntervalMs: 5, maxRetryDelayMs: 200, shutdownTimeoutMs: 1000, journal: { dir }, ...writer },
    ...(alerts ? { alerts } : {}),
  });
}

/** A writer on its own (no app) on the real database, with the journal in `dir`. */
async function standaloneWriter(service: string, dir: string): Promise<ErrorLogWriter> {
  const options = resolveOptions({ service, database: { url: DATABASE_URL, poolSize: 2 }, writer: { journal: { dir }, shutdownTimeoutMs: 2000 } }, {});
  const store = new TypeOrmErrorLogStore(await createErrorRecoveryDataSource(options.database, () => undefined), true);
  return new ErrorLogWriter(store, options);
}

async function failures(app: INestApplication, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await request(app.getHttpServer()).get('/s/plain').expect(500)).body.error.error_id as string);
  return ids;
}

describeWithPostgres('error journal', () => {
  let dir: string;
  let proxy: TcpProxy;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'er-journal-e2e-'));
    const target = new URL(DATABASE_URL!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
  });
  afterEach(async () => {
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('spills while the database is cut, and replays every error once when it returns', async () => {
    const service = uniqueService('spill');
    const app = await startApp([scenario(service, viaProxy(proxy), dir)]);
    const writer = app.get(ErrorLogWriter);
    try {
      await proxy.stop();
      const ids = await failures(app, 60);
      await eventually(async () => writer.stats(), (s) => s.mode === 'spilling' && s.journal?.records === 60);
      expect(readdirSync(dir).length).toBeGreaterThan(0);
      expect(await storedIds(service)).toEqual([]);

      await proxy.start();
      expect(await writer.flush(15_000)).toBe(true);
      expect((await storedIds(service)).sort()).toEqual([...ids].sort());
      expect(writer.stats()).toMatchObject({ mode: 'direct', written: 60, queued: 0, journal: { spilled: 60, replayed: 60, records: 0 } });
      expect(Object.values(writer.stats().dropped).every((n) => n === 0)).toBe(true);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('after a shutdown with the database down, the next start replays the journal', async () => {
    const service = uniqueService('restart');
    const first = await startApp([scenario(service, viaProxy(proxy), dir)]);
    await proxy.stop();
    const ids = await failures(first, 25);
    await first.close();
    expect(first.get(ErrorLogWriter).stats().dropped).toMatchObject({ shutdown_timeout: 0, queue_full: 0, journal_full: 0 });
    expect(await storedIds(service)).toEqual([]);

    const next = await startApp([scenario(service, DATABASE_URL!, dir)]);
    try {
      expect(await next.get(ErrorLogWriter).flush(15_000)).toBe(true);
      expect((await storedIds(service)).sort()).toEqual([...ids].sort());
      expect(next.get(ErrorLogWriter).stats().journal).toMatchObject({ replayed: 25, takenOver: expect.any(Number) });
    } finally {
      await next.close();
    }
  });

  it('a process killed with SIGKILL while spilling: the next one stores every error it answered', async () => {
    const service = uniqueService('sigkill');
    const child = spawn(process.execPath, ['--import', './test/support/ts-loader.mjs', 'test/fixtures/journal/spilling-child.ts'], {
      cwd: ROOT,
      env: { ...process.env, JOURNAL_DIR: dir, SERVICE: service, DATABASE_URL: viaProxy(proxy) },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await proxy.stop();
    const answered: string[] = [];
    let spilled = 0;
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('answered ')) answered.push(line.slice(9));
        else if (line.startsWith('spilled ')) spilled = Number(line.slice(8));
      }
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await eventually(async () => spilled, (n) => n >= 300, 60_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const writer = await standaloneWriter(service, dir);
    await writer.onModuleInit();
    try {
      expect(await writer.flush(30_000)).toBe(true);
      const stored = new Set(await storedIds(service));
      // Nothing stored that was not answered, and what was lost is only the latest few (the last
      // journal write, a few ms, that the kill cut).
      expect([...stored].every((id) => answered.includes(id))).toBe(true);
      const lost = answered.filter((id) => !stored.has(id));
      expect(answered.slice(answered.length - lost.length)).toEqual(lost);
      expect(lost.length).toBeLessThanOrEqual(50);
      expect(stored.size).toBeGreaterThanOrEqual(300);
      expect(writer.stats().journal).toMatchObject({ replayed: stored.size });
    } finally {
      await writer.finalDrain();
    }
  }, 90_000);

  it('two writers sharing the directory never replay one file twice', async () => {
    const service = uniqueService('shared');
    // Writers that cannot reach the database leave their journals behind when they close: four files.
    await proxy.stop();
    const ids = Array.from({ length: 2000 }, () => randomUUID());
    for (let w = 0; w < 4; w++) {
      const cut = resolveOptions({ service, database: { url: viaProxy(proxy), poolSize: 1, connectTimeoutMs: 300 }, writer: { journal: { dir }, shutdownTimeoutMs: 300, maxRetryDelayMs: 50 } }, {});
      const down = new ErrorLogWriter(new TypeOrmErrorLogStore(await createErrorRecoveryDataSource(cut.database, () => undefined), true), cut);
      for (const id of ids.slice(w * 500, (w + 1) * 500)) down.enqueue(pendingError(service, id));
      await down.finalDrain();
      expect(down.stats().journal?.records).toBe(500);
    }
    expect(readdirSync(dir).length).toBeGreaterThanOrEqual(4);

    const [a, b] = await Promise.all([standaloneWriter(service, dir), standaloneWriter(service, dir)]);
    await Promise.all([a.onModuleInit(), b.onModuleInit()]);
    try {
      await Promise.all([a.flush(30_000), b.flush(30_000)]);
      const [sa, sb] = [a.stats(), b.stats()];
      expect(sa.journal!.replayed + sb.journal!.replayed).toBe(2000);
      expect(sa.written + sb.written).toBe(2000);
      expect((await storedIds(service)).sort()).toEqual([...ids].sort());
    } finally {
      await Promise.all([a.finalDrain(), b.finalDrain()]);
    }
  });

  it('a full journal drops, counts it and alerts', async () => {
    const webhook = new HttpReceiver();
    await webhook.start();
    const service = uniqueService('full');
    const app = await startApp([
      scenario(service, viaProxy(proxy), dir, { maxQueue: 5, spillAbove: 2, journal: { dir, maxBytes: 8 * 1024 } }, { webhook: { url: webhook.url('/hook'), secret: 's'.repeat(32), timeoutMs: 2000 }, pollIntervalMs: 3_600_000 }),
    ]);
    const writer = app.get(ErrorLogWriter);
    try {
      await proxy.stop();
      await failures(app, 40);
      await eventually(async () => writer.stats().dropped.journal_full, (n) => n > 0);
      const posts = await eventually(
        async () => webhook.received.map((r) => JSON.parse(r.body) as { kind?: string; facts?: Record<string, string> }).filter((p) => p.kind === 'errors_dropped'),
        (p) => p.length > 0,
      );
      expect(posts[0].facts).toMatchObject({ Reason: 'journal_full' });
      const { journal, dropped } = writer.stats();
      expect(journal!.bytes).toBeGreaterThanOrEqual(8 * 1024);
      expect(journal!.records + dropped.journal_full + 5).toBeGreaterThanOrEqual(40);
    } finally {
      await proxy.start();
      await app.close();
      await webhook.stop();
    }
  });

  it('without a journal, a full queue while the database is down is alerted at once, not when the database returns', async () => {
    const webhook = new HttpReceiver();
    await webhook.start();
    const service = uniqueService('qfull');
    const app = await startApp([
      scenario(service, viaProxy(proxy), dir, { maxQueue: 5, journal: false }, { webhook: { url: webhook.url('/hook'), secret: 's'.repeat(32), timeoutMs: 2000 }, pollIntervalMs: 3_600_000 }),
    ]);
    const writer = app.get(ErrorLogWriter);
    try {
      await proxy.stop();
      await failures(app, 20);
      await eventually(async () => writer.stats().dropped.queue_full, (n) => n > 0);
      // The outbox lives in the store that is down: the alert must not wait there.
      const posts = await eventually(
        async () => webhook.received.map((r) => JSON.parse(r.body) as { kind?: string; facts?: Record<string, string> }).filter((p) => p.kind === 'errors_dropped'),
        (p) => p.length > 0,
        8_000,
      );
      expect(posts[0].facts).toMatchObject({ Reason: 'queue_full' });
    } finally {
      await proxy.start();
      await app.close();
      await webhook.stop();
    }
  });
});
