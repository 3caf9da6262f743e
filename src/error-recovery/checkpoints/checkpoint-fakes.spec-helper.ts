import type { Clock } from '../resilience/clock.js';
import type { RedisClient } from '../redis/redis-options.interface.js';
import type { PostgresCheckpointLayer } from './postgres-checkpoint.layer.js';
import type { StoredCheckpoint } from './stored-checkpoint.js';

/** A clock that moves only when told; sleepers wake when `advance` passes their time. */
export class FakeClock implements Clock {
  private sleepers: { at: number; wake: () => void }[] = [];

  constructor(public t = 1_000_000) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const sleeper = { at: this.t + ms, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      });
    });
  }

  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.wake();
  }
}

/** The PostgreSQL layer's behaviour on a Map (rows keep their expiry); `down` makes every call fail. */
export class FakePostgresLayer {
  readonly rows = new Map<string, StoredCheckpoint>();
  down = false;
  reads = 0;
  purges: number[] = [];

  private check(): void {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  }

  async write(key: string, entry: StoredCheckpoint): Promise<void> {
    this.check();
    this.rows.set(key, entry);
  }

  async read(key: string, now: number): Promise<StoredCheckpoint | undefined> {
    this.check();
    this.reads++;
    const row = this.rows.get(key);
    if (row && row.expiresAt <= now) this.rows.delete(key);
    return row && row.expiresAt > now ? row : undefined;
  }

  async remove(key: string, now: number): Promise<boolean> {
    this.check();
    const row = this.rows.get(key);
    this.rows.delete(key);
    return row !== undefined && row.expiresAt > now;
  }

  async purgeExpired(now: number, limit: number): Promise<number> {
    this.check();
    this.purges.push(now);
    const expired = [...this.rows].filter(([, row]) => row.expiresAt <= now).slice(0, limit);
    for (const [key] of expired) this.rows.delete(key);
    return expired.length;
  }

  asLayer(): PostgresCheckpointLayer {
    return this as unknown as PostgresCheckpointLayer;
  }
}

/**
 * A Redis holding strings in a Map (PX expiry ignored: the layer checks expiry itself). `mode`:
 * `up` answers, `down` rejects, `hang` never answers, `reconnecting` reports that status.
 */
export class FakeRedis implements RedisClient {
  readonly data = new Map<string, string>();
  mode: 'up' | 'down' | 'hang' | 'reconnecting' = 'up';
  commands = 0;

  get status(): string {
    return this.mode === 'reconnecting' ? 'reconnecting' : 'ready';
  }

  private answer<T>(value: () => T): Promise<T> {
    this.commands++;
    if (this.mode === 'hang') return new Promise(() => undefined);
    if (this.mode === 'down') return Promise.reject(new Error('Connection is closed.'));
    return Promise.resolve(value());
  }

  get(key: string): Promise<string | null> {
    return this.answer(() => this.data.get(key) ?? null);
  }

  set(key: string, value: string, _mode?: 'PX', _ms?: number, condition?: 'NX'): Promise<unknown> {
    return this.answer(() => (condition === 'NX' && this.data.has(key) ? null : this.data.set(key, value) && 'OK'));
  }

  del(...keys: string[]): Promise<number> {
    return this.answer(() => keys.filter((k) => this.data.delete(k)).length);
  }

  ping(): Promise<string> {
    return this.answer(() => 'PONG');
  }
}
