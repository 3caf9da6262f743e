import type { RedisOptions, ResolvedRedisOptions } from './redis-options.interface.js';

/** The one place the Redis defaults live. */
export function resolveRedisOptions(options: RedisOptions | undefined): ResolvedRedisOptions | undefined {
  if (!options?.client && !options?.url) return undefined;
  const timeout = options.commandTimeout;
  return {
    url: options.url,
    client: options.client,
    keyPrefix: options.keyPrefix ?? 'nest-error-recovery:',
    commandTimeout: typeof timeout === 'number' && timeout > 0 ? Math.min(timeout, 1000) : 500,
  };
}
