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

/** What to do before retry attempt N: wait this long, or give up with the reason. */
export type RetryWait = { kind: 'wait'; delayMs: number } | { kind: 'skip'; reason: string };

/** Inputs of {@link retryWait}. */
export interface RetryWaitInput {
  /** The attempt about to run, 1-based. */
  attempt: number;
  /** Attempts configured in all (`maxRetries`). */
  maxRetries: number;
  /** Recovery budget left, ms. */
  remainingMs: number;
  /** How long one attempt is expected to take, ms: the longest seen so far (0 before any). */
  attemptMs: number;
  /** The `Retry-After` the last error stated, ms (0: none). */
  retryAfterMs: number;
  backoff: BackoffOptions;
}

/**
 * The delay before a retry, sized so that the attempts still to come fit the recovery budget: each
 * remaining attempt gets an equal share of the time left, and a delay takes at most what its share
 * leaves after the attempt itself. Within that, the usual backoff (with full jitter: uniform in
 * [0, min(backoff cap, room))). A `Retry-After` is honoured as stated, even if fewer attempts fit
 * afterwards; one that does not fit the budget at all is a skip, never a shortened wait.
 */
export function retryWait(input: RetryWaitInput, random: () => number = Math.random): RetryWait {
  const { attempt, maxRetries, remainingMs, attemptMs, retryAfterMs } = input;
  if (retryAfterMs > 0) {
    if (retryAfterMs + attemptMs >= remainingMs) {
      return { kind: 'skip', reason: `Retry-After of ${Math.ceil(retryAfterMs / 1000)} s does not fit the ${remainingMs} ms of recovery budget left (attempt ${attempt})` };
    }
    return { kind: 'wait', delayMs: retryAfterMs };
  }
  const attemptsLeft = Math.max(1, maxRetries - attempt + 1);
  const room = Math.max(0, Math.floor(remainingMs / attemptsLeft - attemptMs));
  const cap = Math.min(room, backoffDelay(attempt, { ...input.backoff, jitter: false }));
  const delayMs = input.backoff.jitter ? Math.floor(random() * cap) : cap;
  if (remainingMs <= 0 || delayMs + attemptMs > remainingMs) {
    return { kind: 'skip', reason: `recovery budget exhausted before attempt ${attempt} (${remainingMs} ms left, an attempt takes ~${attemptMs} ms)` };
  }
  return { kind: 'wait', delayMs };
}
