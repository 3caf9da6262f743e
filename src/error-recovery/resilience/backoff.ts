/** How the delay before retry attempt N grows. */
export type BackoffKind = 'exponential' | 'linear' | 'constant';

/** Parameters of {@link backoffDelay}. */
export interface BackoffOptions {
  kind: BackoffKind;
  /** Delay before the first retry, ms. */
  baseMs: number;
  /** Ceiling of any single delay, ms. */
  maxMs: number;
  /** Full jitter: a uniform pick in [0, delay]. Spreads retries of many clients apart. */
  jitter: boolean;
}

/**
 * Delay before retry `attempt` (1-based), in ms: base·2^(n-1) (exponential), base·n (linear)
 * or base (constant), capped at `maxMs`, then with full jitter a uniform pick in [0, cap].
 * `random` is injectable so tests can pin the jitter; it must return a number in [0, 1).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const raw =
    options.kind === 'exponential'
      ? options.baseMs * 2 ** (n - 1)
      : options.kind === 'linear'
        ? options.baseMs * n
        : options.baseMs;
  const capped = Math.min(options.maxMs, Math.max(0, raw));
  return options.jitter ? Math.floor(random() * capped) : capped;
}
