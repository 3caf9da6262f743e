import { Inject, Injectable } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { approximateSize } from './approximate-size.js';

/** Bounds of the responses of one route (its fallback parameters). */
export interface StaleLimits {
  /** Responses kept at most. */
  maxEntries: number;
  /** Estimated bytes of all kept responses at most; a larger response is not kept. */
  maxBytes: number;
}

interface Entry {
  value: unknown;
  storedAt: number;
  bytes: number;
  group: string;
}

/**
 * The last good response of each GET route + query, kept to be served stale by the fallback
 * strategy when the route fails. Bounded by entries and by (estimated) bytes, least recently
 * stored go first, and aged out. Holds the handler's value by reference: its size is estimated by a
 * walk that stops at the limit, not by serialising it on the success path.
 *
 * Two bounds: the module's `parameters.fallback` (`staleMaxEntries`, `staleMaxBytes`) bound the whole
 * cache; a route's own (`@AiErrorHandler({ parameters: { fallback } })`) bound that route's responses
 * only — a route with small limits makes room among its own responses, never among other routes'.
 */
@Injectable()
export class StaleResponseCache {
  private readonly entries = new Map<string, Entry>();
  /** Entries and bytes of each group (route). */
  private readonly groups = new Map<string, { count: number; bytes: number }>();
  private totalBytes = 0;

  constructor(@Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions) {}

  /** Key of a request: route pattern and the full URL (path + query). */
  static key(route: string, url: string): string {
    return `${route} ${url}`;
  }

  /** Keeps `value` under `key`, within `limits` for its `group` (route) and the module-wide bound. */
  set(key: string, value: unknown, limits: StaleLimits, group = ''): void {
    this.delete(key);
    const whole = { maxEntries: this.options.parameters.fallback.staleMaxEntries, maxBytes: this.options.parameters.fallback.staleMaxBytes };
    const maxBytes = Math.min(limits.maxBytes, whole.maxBytes);
    const bytes = approximateSize(value, maxBytes);
    if (bytes > maxBytes || limits.maxEntries < 1 || whole.maxEntries < 1) return;
    for (const [k, e] of this.entries) {
      const own = this.groups.get(group) ?? { count: 0, bytes: 0 };
      if (own.count < limits.maxEntries && own.bytes + bytes <= limits.maxBytes) break;
      if (e.group === group) this.delete(k);
    }
    while (this.entries.size >= whole.maxEntries || this.totalBytes + bytes > whole.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    this.entries.set(key, { value, storedAt: this.options.clock.now(), bytes, group });
    this.totalBytes += bytes;
    const own = this.groups.get(group) ?? { count: 0, bytes: 0 };
    this.groups.set(group, { count: own.count + 1, bytes: own.bytes + bytes });
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
    const own = this.groups.get(entry.group);
    if (!own) return;
    if (own.count <= 1) this.groups.delete(entry.group);
    else this.groups.set(entry.group, { count: own.count - 1, bytes: own.bytes - entry.bytes });
  }
}
