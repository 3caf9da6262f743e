import { Inject, Injectable } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { approximateSize } from './approximate-size.js';

/** Bounds of the cache, from the route's fallback parameters. */
export interface StaleLimits {
  /** Responses kept at most. */
  maxEntries: number;
  /** Estimated bytes of all kept responses at most; a larger response is not kept. */
  maxBytes: number;
}

/**
 * The last good response of each GET route + query, kept to be served stale by the fallback
 * strategy when the route fails. Bounded by entries and by (estimated) bytes, least recently
 * stored go first, and aged out. Holds the handler's value by reference: its size is estimated by a
 * walk that stops at the limit, not by serialising it on the success path.
 */
@Injectable()
export class StaleResponseCache {
  private readonly entries = new Map<string, { value: unknown; storedAt: number; bytes: number }>();
  private totalBytes = 0;

  constructor(@Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions) {}

  /** Key of a request: route pattern and the full URL (path + query). */
  static key(route: string, url: string): string {
    return `${route} ${url}`;
  }

  set(key: string, value: unknown, limits: StaleLimits): void {
    this.delete(key);
    const bytes = approximateSize(value, limits.maxBytes);
    if (bytes > limits.maxBytes || limits.maxEntries < 1) return;
    while (this.entries.size >= limits.maxEntries || this.totalBytes + bytes > limits.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    this.entries.set(key, { value, storedAt: this.options.clock.now(), bytes });
    this.totalBytes += bytes;
  }

  /** The stored value and its age, when younger than `maxAgeMs`. */
  get(key: string, maxAgeMs: number): { value: unknown; ageMs: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const ageMs = this.options.clock.now() - entry.storedAt;
    if (ageMs > maxAgeMs) {
      this.delete(key);
      return undefined;
    }
    return { value: entry.value, ageMs };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Estimated bytes of all kept responses. */
  get bytes(): number {
    return this.totalBytes;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}
