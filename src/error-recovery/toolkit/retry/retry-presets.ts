import { UnknownRetryPresetError } from '../../errors/unknown-retry-preset.error.js';
import { isSerializationFailure, isTransientError } from '../../resilience/retryable-error.js';
import type { ResolvedRetryPolicyOptions, RetryPolicyOptions, RetryPredicate, RetryPresetName } from './retry-options.interface.js';

type PresetValues = Omit<ResolvedRetryPolicyOptions, 'name'>;

/**
 * The presets. Every one has a deadline, so a Retry-After of an hour is never waited in-process,
 * and full jitter, so a fleet does not retry in step.
 */
export const RETRY_PRESETS: Readonly<Record<RetryPresetName, Readonly<PresetValues>>> = Object.freeze({
  // A model call is slow and rate limited: few clients, long waits pay off.
  ai_model: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, backoff: 'exponential', jitter: true, deadlineMs: 120_000, honorRetryAfter: true },
  // Serialization failures and deadlocks clear in milliseconds; a request is waiting.
  database: {
    maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1000, backoff: 'exponential', jitter: true, deadlineMs: 10_000, honorRetryAfter: false,
    retryOn: (error) => isSerializationFailure(error) || isTransientError(error),
  },
  network: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000, backoff: 'exponential', jitter: true, deadlineMs: 30_000, honorRetryAfter: true },
  external_api: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000, backoff: 'exponential', jitter: true, deadlineMs: 60_000, honorRetryAfter: true },
});

/** The preset names, in the order the README lists them. */
export const RETRY_PRESET_NAMES = Object.keys(RETRY_PRESETS) as RetryPresetName[];

/** A policy without a preset. */
const STANDALONE: PresetValues = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000, backoff: 'exponential', jitter: true, deadlineMs: 30_000, honorRetryAfter: true };

/** True for the name of a preset that ships with the module. */
export const isRetryPresetName = (name: string): name is RetryPresetName => Object.prototype.hasOwnProperty.call(RETRY_PRESETS, name);

/** The default predicate: the classifier's transient flag. */
export const retryTransient: RetryPredicate = (error) => isTransientError(error);

/**
 * A policy's settings: the preset's (or the standalone defaults), with the given fields on top.
 * @throws UnknownRetryPresetError for a preset name that does not exist; RangeError for a negative or non-finite number.
 */
export function resolveRetryPolicy(init: RetryPolicyOptions | RetryPresetName = {}, known: readonly string[] = RETRY_PRESET_NAMES): ResolvedRetryPolicyOptions {
  const options: RetryPolicyOptions = typeof init === 'string' ? { preset: init } : init;
  const presetName: string | undefined = typeof init === 'string' ? init : options.preset;
  if (presetName !== undefined && !isRetryPresetName(presetName)) throw new UnknownRetryPresetError(presetName, known);
  const base = presetName === undefined ? STANDALONE : RETRY_PRESETS[presetName];
  const resolved: ResolvedRetryPolicyOptions = {
    name: options.name ?? presetName ?? 'custom',
    maxAttempts: Math.max(1, Math.floor(checked('maxAttempts', options.maxAttempts ?? base.maxAttempts))),
    baseDelayMs: checked('baseDelayMs', options.baseDelayMs ?? base.baseDelayMs),
    maxDelayMs: checked('maxDelayMs', options.maxDelayMs ?? base.maxDelayMs),
    backoff: options.backoff ?? base.backoff,
    jitter: options.jitter ?? base.jitter,
    deadlineMs: checked('deadlineMs', options.deadlineMs ?? base.deadlineMs),
    honorRetryAfter: options.honorRetryAfter ?? base.honorRetryAfter,
  };
  const retryOn = options.retryOn ?? base.retryOn;
  if (retryOn) resolved.retryOn = retryOn;
  return resolved;
}

function checked(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`Retry policy option ${field} must be a finite number >= 0 (got ${String(value)}).`);
  return value;
}

/**
 * The configured policies, each resolved once so that a mistake (an unknown preset, a negative
 * delay) stops the start-up with its message instead of the first call that uses it.
 */
export function checkedRetryPolicies(policies: Record<string, RetryPolicyOptions>): Readonly<Record<string, RetryPolicyOptions>> {
  const known = [...new Set([...RETRY_PRESET_NAMES, ...Object.keys(policies)])];
  for (const [name, options] of Object.entries(policies)) resolveRetryPolicy({ ...options, name }, known);
  return Object.freeze({ ...policies });
}
