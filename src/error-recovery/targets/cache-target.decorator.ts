import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as a cache the cache_clear strategy may clear. The provider must implement
 * `ClearableCache` (a `name` and `clear(pattern?)`) and be a singleton. Set `supportsPatterns` when
 * `clear(pattern)` honours glob patterns such as `products:*`.
 *
 * @example
 * ```ts
 * @Injectable() @ClearableCacheTarget()
 * export class ProductCache implements ClearableCache {
 *   readonly name = 'products';
 *   clear(): number { const n = this.map.size; this.map.clear(); return n; }
 * }
 * ```
 */
export const ClearableCacheTarget = DiscoveryService.createDecorator<void>();
