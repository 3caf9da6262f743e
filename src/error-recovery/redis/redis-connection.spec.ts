import type { ModuleLogger } from '../common/log-line.js';
import { FakeClock, FakeRedis } from '../checkpoints/checkpoint-fakes.spec-helper.js';
import { RedisConnection } from './redis-connection.js';
import { resolveRedisOptions } from './resolve-redis-options.js';

function setup(commandTimeout?: number) {
  const clock = new FakeClock();
  const client = new FakeRedis();
  const lines: string[] = [];
  const logger = { log: (m: string) => lines.push(`log ${m}`), warn: (m: string) => lines.push(`warn ${m}`) } as unknown as ModuleLogger;
  const redis = new RedisConnection(resolveRedisOptions({ client, commandTimeout }), clock, logger);
  return { clock, client, lines, redis };
}

describe('RedisConnection', () => {
  it('answers the command and prefixes keys (default prefix)', async () => {
    const { client, redis } = setup();
    client.data.set('nest-error-recovery:a', '1');
    expect(redis.key('a')).toBe('nest-error-recovery:a');
    expect(await redis.run('GET', (c) => c.get(redis.key('a')))).toEqual({ ok: true, value: '1' });
  });

  it('a command that does not answer fails after commandTimeout, without throwing', async () => {
    const { client, clock, redis } = setup(300);
    client.mode = 'hang';
    let settled: unknown;
    const pending = redis.run('GET', (c) => c.get('a')).then((r) => (settled = r));
    await Promise.resolve();
    clock.advance(299);
    await Promise.resolve();
    expect(settled).toBeUndefined();
    clock.advance(1);
    await pending;
    expect(settled).toEqual({ ok: false });
  });

  it('skips at once while reconnecting (no command sent, no wait)', async () => {
    const { client, redis } = setup();
    client.mode = 'reconnecting';
    expect(await redis.run('GET', (c) => c.get('a'))).toEqual({ ok: false });
    expect(client.commands).toBe(0);
  });

  it('counts every fault, logs the outage once and the recovery once', async () => {
    const { client, lines, redis } = setup();
    client.mode = 'down';
    for (let i = 0; i < 5; i++) await redis.run('SET', (c) => c.set('a', '1', 'PX', 10));
    expect(redis.stats()).toEqual({ configured: true, failing: true, faults: 5 });
    client.mode = 'up';
    await redis.run('GET', (c) => c.get('a'));
    await redis.run('GET', (c) => c.get('a'));
    expect(lines).toEqual([
      'warn Redis SET failed (Connection is closed.); going on with memory and PostgreSQL until Redis answers again',
      'log Redis answers again (5 failed commands so far)',
    ]);
    expect(redis.stats().failing).toBe(false);
  });

  it('ping measures a round trip and rejects when Redis is down or not configured', async () => {
    const { client, redis, clock } = setup();
    expect(await redis.ping()).toBe(0);
    client.mode = 'down';
    await expect(redis.ping()).rejects.toThrow('Connection is closed.');
    const none = new RedisConnection(resolveRedisOptions(undefined), clock, {} as ModuleLogger);
    await expect(none.ping()).rejects.toThrow(/not configured/);
    expect(await none.run('GET', (c) => c.get('a'))).toEqual({ ok: false });
  });

  it('does not close a client the app passed in, and sends nothing after shutdown', async () => {
    const { client, redis } = setup();
    await redis.onApplicationShutdown();
    expect(await redis.run('GET', (c) => c.get('a'))).toEqual({ ok: false });
    expect(client.commands).toBe(0);
  });
});

describe('resolveRedisOptions', () => {
  it('is off without url or client, caps the timeout at 1 s', () => {
    expect(resolveRedisOptions({ keyPrefix: 'x' })).toBeUndefined();
    expect(resolveRedisOptions({ url: 'redis://127.0.0.1:6379', commandTimeout: 5000 })).toEqual({
      url: 'redis://127.0.0.1:6379',
      client: undefined,
      keyPrefix: 'nest-error-recovery:',
      commandTimeout: 1000,
    });
  });
});
