import type { RetryPresetName } from './retry-options.interface.js';
import { RetryPolicies } from './retry-policies.service.js';
import { RetryPolicy } from './retry-policy.js';

/** Policies used without a running module, one per preset, so their counters add up. */
const STANDALONE = new Map<string, RetryPolicy>();

/**
 * The policy `name` of the running app (configured or preset, reporting stats and events to the
 * module); without a running module, a process-wide standalone policy of that preset.
 * @throws UnknownRetryPresetError when the name is unknown.
 */
export function namedRetryPolicy(name: RetryPresetName | (string & {})): RetryPolicy {
  const registry = RetryPolicies.current();
  if (registry) return registry.get(name);
  let policy = STANDALONE.get(name);
  if (!policy) STANDALONE.set(name, (policy = new RetryPolicy(name as RetryPresetName)));
  return policy;
}
