import type { OnApplicationShutdown } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import type { ModuleLogger } from '../common/log-line.js';
import type { Clock } from '../resilience/clock.js';
import type { RedisClient, ResolvedRedisOptions } from './redis-options.interface.js';

/** What a command gave: its value, or `ok: false` when Redis is not configured or did not answer. */
export type RedisResult<T> = { ok: true; value: T } | { ok: false };

/** Connection states in which a command would only wait for a reconnect: skipped at once instead. */
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * The module's one Redis connection (option `redis`), opened on first use. Every command is bounded
 * by `redis.commandTimeout`; a failure is counted, logged once per outage and never thrown: callers
 * get `ok: false` and go on without Redis. A connection the module opened is closed at shutdown; a
 * client the app passed in is left to the app.
 */
export class RedisConnection implements OnApplicationShutdown {
  private opening?: Promise<RedisClient>;
  private owned?: RedisClient & { quit(): Promise<unknown>; disconnect(): void };
  private failing = false;
  private faults = 0;
  private closed = false;

  constructor(
    private readonly options: ResolvedRedisOptions | undefined,
    private readonly clock: Clock,
    private readonly logger: ModuleLogger,
  ) {}

  /** True when the module option `redis` gives a URL or a client. */
  get configured(): boolean {
    return this.options !== undefined;
  }

  /** `name` under the configured key prefix. */
  key(name: string): string {
    return `${this.options?.keyPrefix ?? ''}${name}`;
  }

  /** Runs `command` bounded in time; `ok: false` (counted, logged once) instead of any failure. */
  async run<T>(what: string, command: (client: RedisClient) => Promise<T>): Promise<RedisResult<T>> {
    if (!this.options || this.closed) return { ok: false };
    try {
      const client = await this.connection(this.options);
      if (DOWN.has(client.status)) throw new Error(`connection is ${client.status}`);
      const value = await this.bounded(command(client), this.options.commandTimeout);
      if (this.failing) {
        this.failing = false;
        this.logger.log(`Redis answers again (${this.faults} failed commands so far)`);
      }
      return { ok: true, value };
    } catch (error) {
      // A command cut short by shutdown is no outage worth a warning.
      if (!this.closed) this.fault(what, error);
      return { ok: false };
    }
  }

  /**
   * Round trip of a PING, ms (for health checks). Rejects when Redis is not configured or does not
   * answer within `redis.commandTimeout`.
   */
  async ping(): Promise<number> {
    if (!this.options) throw new Error('Redis is not configured: set the module option `redis`.');
    const start = this.clock.now();
    const client = await this.connection(this.options);
    await this.bounded(client.ping(), this.options.commandTimeout);
    return this.clock.now() - start;
  }

  /** Failed commands and connection errors since start, and whether Redis is failing now. */
  stats(): { configured: boolean; failing: boolean; faults: number } {
    return { configured: this.configured, failing: this.failing, faults: this.faults };
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const owned = this.owned;
    if (!owned) return;
    this.owned = undefined;
    try {
      if (owned.status !== 'ready') throw new Error('not connected');
      await this.bounded(owned.quit(), 1000);
    } catch {
      owned.disconnect();
    }
  }

  private connection(options: ResolvedRedisOptions): Promise<RedisClient> {
    if (options.client) return Promise.resolve(options.client);
    this.opening ??= this.open(options.url ?? '', options.commandTimeout);
    return this.opening;
  }

  private async open(url: string, commandTimeout: number): Promise<RedisClient> {
    let Redis: typeof import('ioredis').Redis;
    try {
      ({ Redis } = await import('ioredis'));
    } catch {
      throw new Error('the option `redis.url` needs the package ioredis: npm install ioredis');
    }
    // Shut down while the package loaded: a client made now would connect and hold the process up.
    if (this.closed) throw new Error('the module is shutting down');
    const client = new Redis(url, {
      lazyConnect: true,
      // A command waits for at most one reconnect; ours are also bounded by `bounded()`.
      maxRetriesPerRequest: 1,
      commandTimeout,
      connectTimeout: 1000,
      // A socket that already failed never emits 'close' again: ioredis would keep the process up this long at shutdown.
      disconnectTimeout: 200,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // Without a listener, ioredis reports each failed reconnect on stderr.
    client.on('error', (error: unknown) => this.fault('connection', error));
    this.owned = client;
    return client;
  }

  private fault(what: string, error: unknown): void {
    this.faults++;
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(`Redis ${what} failed (${messageOf(error, 300)}); going on with memory and PostgreSQL until Redis answers again`);
  }

  private async bounded<T>(work: Promise<T>, ms: number): Promise<T> {
    const stop = new AbortController();
    const timeout = this.clock.sleep(ms, stop.signal, { unref: true }).then(() => {
      throw new Error(`no answer within ${ms} ms`);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      stop.abort();
      timeout.catch(() => undefined);
    }
  }
}
