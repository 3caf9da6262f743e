import { Inject, Injectable } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';

/**
 * The last good response of each GET route + query, kept to be served stale by the fallback
 * strategy when the route fails. Bounded (least recently used go first) and aged out. Holds the
 * handler's value by reference: no serialisation on the success path.
 */
@Injectable()
export class StaleResponseCache {
  private readonly entries = new Map<string, { value: unknown; storedAt: number }>();

  constructor(@Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions) {}

  /** Key of a request: route pattern and the full URL (path + query). */
  static key(route: string, url: string): string {
    return `${route} ${url}`;
  }

  set(key: string, value: unknown, maxEntries: number): void {
    if (this.entries.has(key)) this.entries.delete(key);
    else if (this.entries.size >= maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, storedAt: this.options.clock.now() });
  }

  /** The stored value and its age, when younger than `maxAgeMs`. */
  get(key: string, maxAgeMs: number): { value: unknown; ageMs: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const ageMs = this.options.clock.now() - entry.storedAt;
    if (ageMs > maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: entry.value, ageMs };
  }

  get size(): number {
    return this.entries.size;
  }
}
