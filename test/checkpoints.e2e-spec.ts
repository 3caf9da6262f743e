import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Clock, ErrorRecoveryDatabaseOptions, ErrorRecoveryModuleOptions } from '../src/error-recovery/index.js';
import { RedisConnection } from '../src/error-recovery/redis/redis-connection.js';
import { resolveRedisOptions } from '../src/error-recovery/redis/resolve-redis-options.js';
import { systemClock } from '../src/error-recovery/resilience/clock.js';
import { CheckpointsFixtureModule, CheckpointUser } from './fixtures/checkpoints.module.js';
import { rawQuery, startApp } from './support/app.js';
import { testDatabase, uniqueService, usingPostgres } from './support/database.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A loopback port with nothing listening: Redis "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A clock the test moves; sleeps use real timers (Redis command bounds), `now` is ours. */
const movableClock = (): Clock & { t: number } => ({ t: Date.now(), now() { return this.t; }, sleep: (ms, signal) => new Promise((resolve, reject) => { const timer = setTimeout(resolve, ms); timer.unref(); signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }); }) });

describe('checkpoints (e2e: real PostgreSQL or the embedded one, real Redis)', () => {
  const apps: INestApplication[] = [];
  const prefix = `er-test-${uniqueService('cp')}:`;
  let dataDir: string | undefined;
  let redis: Redis;
  let database: ErrorRecoveryDatabaseOptions;

  beforeAll(() => {
    // On the embedded database the rows must outlive an app: a directory, not memory.
    if (!usingPostgres) dataDir = mkdtempSync(join(tmpdir(), 'er-checkpoints-'));
    database = usingPostgres ? testDatabase() : { dataDir, embedded: true };
    redis = new Redis(REDIS_URL, { lazyConnect: true });
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(service: string, options: ErrorRecoveryModuleOptions = {}): Promise<{ app: INestApplication; user: CheckpointUser }> {
    const app = await startApp([CheckpointsFixtureModule.forRoot({ service, environment: 'production', database, ...options })]);
    apps.push(app);
    return { app, user: app.get(CheckpointUser) };
  }

  async function stop(app: INestApplication): Promise<void> {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  const rowsOf = (service: string) =>
    rawQuery<{ key: string; state: string }>(`SELECT "key", "state" FROM checkpoints WHERE service = $1 ORDER BY "key"`, [service]);

  it('a checkpoint survives an app restart: a new instance reads what the previous one saved', async () => {
    const service = uniqueService('cp-restart');
    const first = await start(service);
    const state = { step: 3, items: [1, 2, 3], at: new Date('2026-12-03T12:00:00Z'), note: 'naïve ✓' };
    await first.user.checkpoints.save('import:42', state, { ttl: 60_000 });
    expect(await rowsOf(service)).toEqual([{ key: 'import:42', state: JSON.stringify(state) }]);
    await stop(first.app);

    const second = await start(service);
    expect(await second.user.checkpoints.restore('import:42')).toEqual({ ...state, at: '2026-12-03T12:00:00.000Z' });
    expect(await second.user.checkpoints.delete('import:42')).toBe(true);
    expect(await rowsOf(service)).toEqual([]);
    expect(await second.user.checkpoints.restore('import:42')).toBeUndefined();
  });

  it('expires by TTL in PostgreSQL (module clock) and purges expired rows in batches on a later save', async () => {
    const service = uniqueService('cp-ttl');
    const clock = movableClock();
    const { user } = await start(service, { clock, checkpoints: { memoryMaxAge: 0, purgeInterval: 10_000 } });
    await user.checkpoints.save('a', 'A', { ttl: 1000 });
    await user.checkpoints.save('b', 'B', { ttl: 1000 });
    clock.t += 999;
    expect(await user.checkpoints.restore('a')).toBe('A');
    clock.t += 1;
    expect(await user.checkpoints.restore('a')).toBeUndefined();
    expect((await rowsOf(service)).map((r) => r.key)).toEqual(['b']);
    clock.t += 10_000;
    await user.checkpoints.save('c', 'C');
    const { eventually } = await import('./support/polling.js');
    await eventually(() => rowsOf(service), (rows) => rows.map((r) => r.key).join() === 'c');
  });

  it('refuses bad input with clear errors and keeps the previous checkpoint', async () => {
    const service = uniqueService('cp-bad');
    const { user } = await start(service, { checkpoints: { maxBytes: 1000 } });
    await user.checkpoints.save('job', { ok: 1 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(user.checkpoints.save('job', cyclic)).rejects.toMatchObject({ name: 'CheckpointNotSerializableError', path: '$.self' });
    await expect(user.checkpoints.save('job', { big: 'x'.repeat(2000) })).rejects.toThrow(/2010 bytes serialised, over the limit of 1000/);
    await expect(user.checkpoints.save('job with spaces', 1)).rejects.toMatchObject({ name: 'InvalidCheckpointArgumentError' });
    expect(await rowsOf(service)).toEqual([{ key: 'job', state: '{"ok":1}' }]);
  });

  it('two instances share checkpoints through Redis, which is read before PostgreSQL', async () => {
    const service = uniqueService('cp-shared');
    const options = { redis: { url: REDIS_URL, keyPrefix: prefix } };
    const a = await start(service, options);
    const b = await start(service, options);
    await a.user.checkpoints.save('job:7', { step: 'two' }, { ttl: 60_000 });
    const raw = await redis.get(`${prefix}${service}:checkpoint:job:7`);
    expect(raw?.split('\n')[1]).toBe('{"step":"two"}');
    expect(await redis.pttl(`${prefix}${service}:checkpoint:job:7`)).toBeGreaterThan(55_000);
    // Only Redis has it now: B's answer must come from there.
    await rawQuery(`DELETE FROM checkpoints WHERE service = $1`, [service]);
    expect(await b.user.checkpoints.restore('job:7')).toEqual({ step: 'two' });
    await a.user.checkpoints.delete('job:7');
    // A short-lived tombstone, no checkpoint: a copy B read before the delete cannot be put back.
    expect(await redis.get(`${prefix}${service}:checkpoint:job:7`)).toBe('deleted');
    expect(await redis.pttl(`${prefix}${service}:checkpoint:job:7`)).toBeLessThanOrEqual(60_000);
  });

  it('Redis unreachable (a closed loopback port): saves and restores work from memory and PostgreSQL', async () => {
    const service = uniqueService('cp-noredis');
    const port = await closedPort();
    const { app, user } = await start(service, { redis: { url: `redis://127.0.0.1:${port}`, commandTimeout: 300 }, checkpoints: { memoryMaxAge: 0 } });
    const started = Date.now();
    await user.checkpoints.save('job', { n: 1 });
    expect(await user.checkpoints.restore('job')).toEqual({ n: 1 });
    expect(await user.checkpoints.delete('job')).toBe(true);
    // Each Redis command is bounded (300 ms here): three calls, well under 5 s even on a loaded machine.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(app.get(RedisConnection).stats()).toMatchObject({ configured: true, failing: true });
    expect(app.get(RedisConnection).stats().faults).toBeGreaterThanOrEqual(1);
    await expect(app.get(RedisConnection).ping()).rejects.toThrow();
  });

  it('closes the connection it opened at shutdown, and answers ping while up', async () => {
    const service = uniqueService('cp-close');
    const name = `er-test-${service}`;
    const { app } = await start(service, { redis: { url: `${REDIS_URL}/0?connectionName=${name}`, keyPrefix: prefix } });
    expect(await app.get(RedisConnection).ping()).toBeGreaterThanOrEqual(0);
    const clients = async () => ((await redis.call('CLIENT', 'LIST')) as string).split('\n').filter((line) => line.includes(`name=${name}`));
    expect(await clients()).toHaveLength(1);
    await stop(app);
    const { eventually } = await import('./support/polling.js');
    await eventually(clients, (list) => list.length === 0);
  });

  it('a command still opening the connection at shutdown leaves no connection open after it', async () => {
    const name = `er-test-${uniqueService('cp-race')}`;
    const quiet = { log: () => undefined, warn: () => undefined } as unknown as ConstructorParameters<typeof RedisConnection>[2];
    const connection = new RedisConnection(resolveRedisOptions({ url: `${REDIS_URL}/0?connectionName=${name}`, keyPrefix: prefix }), systemClock, quiet);
    const pending = connection.run('GET', (client) => client.get(connection.key('race')));
    await connection.onApplicationShutdown();
    expect(await pending).toEqual({ ok: false });
    const clients = async () => ((await redis.call('CLIENT', 'LIST')) as string).split('\n').filter((line) => line.includes(`name=${name}`));
    expect(await clients()).toEqual([]);
  });
});
