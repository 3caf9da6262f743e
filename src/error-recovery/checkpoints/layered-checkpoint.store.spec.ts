import { type ModuleLogger } from '../common/log-line.js';
import { isCheckpointNotSerializableError } from '../errors/checkpoint-not-serializable.error.js';
import { isCheckpointStoreUnavailableError } from '../errors/checkpoint-store-unavailable.error.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { resolveRedisOptions } from '../redis/resolve-redis-options.js';
import { FakeClock, FakePostgresLayer, FakeRedis } from './checkpoint-fakes.spec-helper.js';
import { LayeredCheckpointStore } from './layered-checkpoint.store.js';
import { MemoryCheckpointLayer } from './memory-checkpoint.layer.js';
import { RedisCheckpointLayer } from './redis-checkpoint.layer.js';
import { resolveCheckpointsOptions } from './resolve-checkpoints-options.js';

const HOUR = 3_600_000;
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined } as unknown as ModuleLogger;

function setup(options: { memoryEntries?: number; redis?: boolean } = {}) {
  const clock = new FakeClock();
  const postgres = new FakePostgresLayer();
  const redisClient = new FakeRedis();
  const connection = new RedisConnection(resolveRedisOptions({ client: redisClient, keyPrefix: 't:' }), clock, quiet);
  const memory = new MemoryCheckpointLayer(options.memoryEntries ?? 10, 1024, 10 * HOUR);
  const layers = { memory, postgres: postgres.asLayer(), redis: options.redis === false ? undefined : new RedisCheckpointLayer(connection, 'svc') };
  const resolved = resolveCheckpointsOptions({ defaultTtl: HOUR, purgeInterval: 60_000, maxBytes: 4096 });
  const store = new LayeredCheckpointStore(layers, resolved, clock, quiet);
  return { clock, postgres, redisClient, connection, memory, store };
}

/** Starts a restore of `key` and holds it after its PostgreSQL read (the row is read) until `release()`. */
async function restoreHeldAfterRead(store: LayeredCheckpointStore, postgres: FakePostgresLayer, key: string) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const read = postgres.read.bind(postgres);
  postgres.read = async (k, now) => {
    const row = await read(k, now);
    await gate;
    return row;
  };
  const restoring = store.restore(key);
  while (postgres.reads === 0) await new Promise(setImmediate);
  return { release, restoring };
}

/** A second instance of the service: its own memory, the same PostgreSQL and Redis. */
const otherInstance = (postgres: FakePostgresLayer, connection: RedisConnection, clock: FakeClock): LayeredCheckpointStore =>
  new LayeredCheckpointStore(
    { memory: new MemoryCheckpointLayer(10, 1024, HOUR), postgres: postgres.asLayer(), redis: new RedisCheckpointLayer(connection, 'svc') },
    resolveCheckpointsOptions({ defaultTtl: HOUR }),
    clock,
    quiet,
  );

describe('LayeredCheckpointStore', () => {
  it('saves to PostgreSQL, memory and Redis, and restores a fresh copy', async () => {
    const { store, postgres, redisClient } = setup();
    const state = { step: 2, done: ['a', 'b'] };
    await store.save('job:1', state);
    expect(JSON.parse(postgres.rows.get('job:1')!.json)).toEqual(state);
    expect(redisClient.data.get('t:svc:checkpoint:job:1')).toBe(`${1_000_000 + HOUR}\n${JSON.stringify(state)}`);
    const restored = await store.restore<typeof state>('job:1');
    expect(restored).toEqual(state);
    restored!.done.push('mutated');
    expect(await store.restore('job:1')).toEqual(state);
  });

  it('reads memory first: PostgreSQL is not asked while memory has the key', async () => {
    const { store, postgres } = setup();
    await store.save('k', 1);
    await store.restore('k');
    expect(postgres.reads).toBe(0);
  });

  it('reads Redis before PostgreSQL, and fills memory from it (another instance saved it)', async () => {
    const { store, postgres, redisClient, clock } = setup();
    redisClient.data.set('t:svc:checkpoint:k', `${clock.now() + HOUR}\n{"from":"redis"}`);
    expect(await store.restore('k')).toEqual({ from: 'redis' });
    redisClient.data.clear();
    expect(await store.restore('k')).toEqual({ from: 'redis' });
    expect(postgres.reads).toBe(0);
  });

  it('a Redis value that is not ours (not JSON) is a miss, not an error', async () => {
    const { store, postgres, redisClient, clock } = setup();
    redisClient.data.set('t:svc:checkpoint:k', `${clock.now() + HOUR}\n{not json`);
    postgres.rows.set('k', { json: '"durable"', expiresAt: clock.now() + HOUR });
    expect(await store.restore('k')).toBe('durable');
  });

  it('reads PostgreSQL last and fills memory and Redis with the time left', async () => {
    const { store, postgres, redisClient, clock } = setup();
    postgres.rows.set('k', { json: '"durable"', expiresAt: clock.now() + 5000 });
    expect(await store.restore('k')).toBe('durable');
    expect(redisClient.data.get('t:svc:checkpoint:k')).toBe(`${clock.now() + 5000}\n"durable"`);
    postgres.rows.clear();
    expect(await store.restore('k')).toBe('durable');
  });

  it('a restore that read PostgreSQL before another instance\'s save does not put its older copy over the new one', async () => {
    const { store, postgres, redisClient, memory, clock, connection } = setup();
    const other = otherInstance(postgres, connection, clock);
    postgres.rows.set('k', { json: '"v1"', expiresAt: clock.now() + HOUR });
    const { release, restoring } = await restoreHeldAfterRead(store, postgres, 'k');
    await other.save('k', 'v2');
    release();
    expect(await restoring).toBe('v1');
    memory.clear();
    expect(redisClient.data.get('t:svc:checkpoint:k')).toContain('"v2"');
    expect(await store.restore('k')).toBe('v2');
  });

  it('a restore that read PostgreSQL before a concurrent delete does not bring the checkpoint back', async () => {
    const { store, postgres, redisClient, memory, clock } = setup();
    postgres.rows.set('k', { json: '"v1"', expiresAt: clock.now() + HOUR });
    const { release, restoring } = await restoreHeldAfterRead(store, postgres, 'k');
    expect(await store.delete('k')).toBe(true);
    release();
    await restoring;
    expect(await store.restore('k')).toBeUndefined();
    memory.clear();
    expect(redisClient.data.get('t:svc:checkpoint:k')).toBe('deleted');
    expect(await store.restore('k')).toBeUndefined();
  });

  it('a restore that read PostgreSQL before another instance\'s delete does not bring the checkpoint back', async () => {
    const { store, postgres, memory, clock, connection } = setup();
    const other = otherInstance(postgres, connection, clock);
    postgres.rows.set('k', { json: '"v1"', expiresAt: clock.now() + HOUR });
    const { release, restoring } = await restoreHeldAfterRead(store, postgres, 'k');
    expect(await other.delete('k')).toBe(true);
    release();
    await restoring;
    memory.clear();
    expect(await store.restore('k')).toBeUndefined();
    expect(await other.restore('k')).toBeUndefined();
  });

  it('honours the TTL in every layer (fake clock)', async () => {
    const { store, postgres, clock } = setup();
    await store.save('short', 'x', { ttl: 1000 });
    await store.save('long', 'y');
    clock.advance(999);
    expect(await store.restore('short')).toBe('x');
    clock.advance(1);
    expect(await store.restore('short')).toBeUndefined();
    expect(postgres.rows.has('short')).toBe(false);
    expect(await store.restore('long')).toBe('y');
    clock.advance(HOUR);
    expect(await store.restore('long')).toBeUndefined();
  });

  it('delete forgets the key in every layer and says whether it was there', async () => {
    const { store, postgres, redisClient, connection, clock } = setup();
    await store.save('k', 1);
    expect(await store.delete('k')).toBe(true);
    expect(await store.restore('k')).toBeUndefined();
    expect(postgres.rows.size).toBe(0);
    // Redis keeps a short-lived tombstone, no checkpoint: another instance reads nothing either.
    expect(redisClient.data.get('t:svc:checkpoint:k')).toBe('deleted');
    expect(await otherInstance(postgres, connection, clock).restore('k')).toBeUndefined();
    expect(await store.delete('k')).toBe(false);
  });

  it('PostgreSQL down: save rejects as not durable and leaves the previous checkpoint everywhere', async () => {
    const { store, postgres } = setup();
    await store.save('k', 'v1');
    postgres.down = true;
    const error = await store.save('k', 'v2').catch((e: unknown) => e);
    expect(isCheckpointStoreUnavailableError(error) && error.operation).toBe('save');
    expect((error as Error).message).toMatch(/retry when the database is back/);
    expect(await store.restore('k')).toBe('v1');
    postgres.down = false;
    expect(await store.restore('k')).toBe('v1');
  });

  it('PostgreSQL down on a miss: restore rejects rather than claim there is no checkpoint', async () => {
    const { store, postgres } = setup({ redis: false });
    postgres.down = true;
    await expect(store.restore('k')).rejects.toMatchObject({ name: 'CheckpointStoreUnavailableError', operation: 'restore' });
  });

  it('Redis down: every call still works from memory and PostgreSQL, nothing thrown', async () => {
    const { store, redisClient, connection, memory } = setup();
    redisClient.mode = 'down';
    await store.save('k', { a: 1 });
    memory.clear();
    expect(await store.restore('k')).toEqual({ a: 1 });
    expect(await store.delete('k')).toBe(true);
    expect(connection.stats()).toMatchObject({ failing: true, faults: 3 });
  });

  it('a Redis copy that missed a write is not trusted, and is deleted once Redis answers again', async () => {
    const { store, redisClient, memory } = setup();
    await store.save('k', 'old');
    redisClient.mode = 'down';
    await store.save('k', 'new');
    redisClient.mode = 'up';
    expect(redisClient.data.get('t:svc:checkpoint:k')).toContain('"old"');
    memory.clear();
    expect(await store.restore('k')).toBe('new');
    expect(redisClient.data.get('t:svc:checkpoint:k')).toContain('"new"');
    // Another stale key is repaired by the next command that reaches Redis.
    await store.save('other', 'old');
    redisClient.mode = 'down';
    await store.delete('other');
    redisClient.mode = 'up';
    await store.save('third', 1);
    expect(redisClient.data.has('t:svc:checkpoint:other')).toBe(false);
  });

  it('refuses bad input before touching any layer, and keeps the previous checkpoint', async () => {
    const { store, postgres } = setup();
    await store.save('k', { ok: true });
    const error = await store.save('k', { n: 1n }).catch((e: unknown) => e);
    expect(isCheckpointNotSerializableError(error) && error.path).toBe('$.n');
    await expect(store.save('k', 'x'.repeat(5000))).rejects.toMatchObject({ name: 'CheckpointTooLargeError' });
    await expect(store.save('bad key', 1)).rejects.toMatchObject({ name: 'InvalidCheckpointArgumentError', argument: 'key' });
    await expect(store.save('k', 1, { ttl: -5 })).rejects.toMatchObject({ name: 'InvalidCheckpointArgumentError', argument: 'ttl' });
    await expect(store.restore('')).rejects.toMatchObject({ argument: 'key' });
    expect(await store.restore('k')).toEqual({ ok: true });
    expect(JSON.parse(postgres.rows.get('k')!.json)).toEqual({ ok: true });
  });

  it('purges expired rows after a save, at most once per purgeInterval', async () => {
    const { store, postgres, clock } = setup();
    await store.save('a', 1, { ttl: 10 });
    expect(postgres.purges).toHaveLength(1);
    clock.advance(20);
    await store.save('b', 2);
    expect(postgres.purges).toHaveLength(1);
    expect(postgres.rows.has('a')).toBe(true);
    clock.advance(60_000);
    await store.save('c', 3);
    await Promise.resolve();
    expect(postgres.purges).toHaveLength(2);
    expect([...postgres.rows.keys()].sort()).toEqual(['b', 'c']);
  });
});

describe('MemoryCheckpointLayer', () => {
  it('serves an entry for at most maxAge, so another instance\'s save is seen after that long', async () => {
    const clock = new FakeClock();
    const postgres = new FakePostgresLayer();
    const instance = () =>
      new LayeredCheckpointStore({ memory: new MemoryCheckpointLayer(10, 1024, 1000), postgres: postgres.asLayer() }, resolveCheckpointsOptions(), clock, quiet);
    const [a, b] = [instance(), instance()];
    await a.save('k', 'v1');
    expect(await b.restore('k')).toBe('v1');
    await a.save('k', 'v2');
    clock.advance(999);
    expect(await b.restore('k')).toBe('v1');
    clock.advance(1);
    expect(await b.restore('k')).toBe('v2');
  });

  it('keeps at most maxEntries (least recently used dropped) and no entry over maxValueBytes', () => {
    const memory = new MemoryCheckpointLayer(2, 10, HOUR);
    const entry = (json: string) => ({ json, expiresAt: 100 });
    memory.set('a', entry('1'), 0);
    memory.set('b', entry('2'), 0);
    memory.get('a', 0);
    memory.set('c', entry('3'), 0);
    expect([memory.get('a', 0)?.json, memory.get('b', 0), memory.get('c', 0)?.json]).toEqual(['1', undefined, '3']);
    memory.set('a', entry('"far too long"'), 0);
    expect(memory.get('a', 0)).toBeUndefined();
  });
});
