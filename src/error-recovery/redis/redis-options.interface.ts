/**
 * The few commands the module sends. An ioredis client (`new Redis(...)`) has them; the module
 * never needs the ioredis types, so an app without ioredis compiles.
 */
export interface RedisClient {
  /** ioredis's connection status (`ready` when commands are sent at once). */
  readonly status: string;
  get(key: string): Promise<string | null>;
  /** `NX`: only when the key does not exist (the answer is then null). */
  set(key: string, value: string, mode: 'PX', milliseconds: number, condition?: 'NX'): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  ping(): Promise<string>;
}

/**
 * Redis, shared by the module's instances when several run (checkpoints today; more shared state
 * later). Optional: without it everything works from memory and PostgreSQL. ioredis is an optional
 * peer dependency, loaded only when `url` is given.
 */
export interface RedisOptions {
  /** `redis://[:password@]host:6379[/db]`. The module opens the connection and closes it at shutdown. */
  url?: string;
  /** An ioredis client of the app, used as it is (its `keyPrefix` applies too) and never closed by the module. Wins over `url`. */
  client?: RedisClient;
  /** Put before every key the module writes, so apps sharing a Redis stay apart. Default `nest-error-recovery:`. */
  keyPrefix?: string;
  /** A command that has not answered after this long counts as failed, ms (at most 1000). Default 500. */
  commandTimeout?: number;
}

/** Redis options after defaults; absent when neither `url` nor `client` was given. */
export interface ResolvedRedisOptions {
  url?: string;
  client?: RedisClient;
  keyPrefix: string;
  commandTimeout: number;
}
