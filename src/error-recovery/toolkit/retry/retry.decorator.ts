import type { RetryPolicyOptions, RetryPresetName } from './retry-options.interface.js';
import { namedRetryPolicy } from './named-retry-policy.js';
import { RetryPolicies } from './retry-policies.service.js';
import { RetryPolicy } from './retry-policy.js';
import { isRetryPresetName, RETRY_PRESET_NAMES } from './retry-presets.js';
import { UnknownRetryPresetError } from '../../errors/unknown-retry-preset.error.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Retries a method of any class (a provider, a plain class) with a preset, a policy configured in
 * `retryPolicies`, or options of its own. An async method keeps its promise and waits between
 * attempts; a synchronous method stays synchronous and is retried at once, with no wait (a sleep
 * would block the event loop). Without the module it runs with standalone defaults; with the module
 * its counters and events go to `RetryPolicies` and `RecoveryEvents` (options of its own are
 * reported under `options.name`, default `Class.method`). Metadata of other decorators on the
 * method (`@Get()`, `@EventPattern()`…) is kept.
 *
 * @example
 * ```ts
 * @Retry('external_api')
 * async rates(): Promise<Rates> { return this.http.get('/rates'); }
 * ```
 * @throws UnknownRetryPresetError at decoration for an unknown preset in `options.preset`; a name
 *   that is no preset must be configured in `retryPolicies`, else the call throws it.
 */
export function Retry(policy: RetryPresetName | (string & {}) | RetryPolicyOptions): MethodDecorator {
  if (typeof policy === 'object' && policy.preset !== undefined && !isRetryPresetName(policy.preset)) {
    throw new UnknownRetryPresetError(policy.preset, RETRY_PRESET_NAMES);
  }
  return (target, key, descriptor) => {
    const original = descriptor.value as unknown;
    if (typeof original !== 'function') throw new TypeError(`@Retry() goes on a method; ${String(key)} is not one.`);
    const method = original as Method;
    const site = `${(target as { constructor?: { name?: string } }).constructor?.name ?? 'Anonymous'}.${String(key)}`;
    let standalone: RetryPolicy | undefined;
    const policyFor = (): RetryPolicy => {
      if (typeof policy === 'string') return namedRetryPolicy(policy);
      const registry = RetryPolicies.current();
      if (registry) return registry.define(policy.name ?? site, policy);
      return (standalone ??= new RetryPolicy({ name: site, ...policy }));
    };
    const wrapper = function retried(this: unknown, ...args: unknown[]): unknown {
      return policyFor().call(() => method.apply(this, args));
    };
    copyMetadata(method, wrapper);
    Object.defineProperty(wrapper, 'name', { value: method.name, configurable: true });
    Object.defineProperty(wrapper, 'length', { value: method.length, configurable: true });
    descriptor.value = wrapper as typeof descriptor.value;
    return descriptor;
  };
}

/** Decorators applied before this one put their metadata on the original function: carry it over. */
function copyMetadata(from: object, to: object): void {
  if (typeof Reflect.getOwnMetadataKeys !== 'function') return;
  for (const key of Reflect.getOwnMetadataKeys(from) as unknown[]) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, from) as unknown, to);
  }
}
