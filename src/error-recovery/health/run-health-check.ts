import { messageOf } from '../common/error-text.js';
import { truncate } from '../common/safe-serialize.js';
import { scrubString } from '../common/scrub.js';
import { MAX_TIMER_MS, type Clock } from '../resilience/clock.js';
import type { HealthCheckDefinition } from './health-check.interface.js';

/** How one check ended, before breakers are looked at. */
export interface CheckOutcome {
  name: string;
  ok: boolean;
  latencyMs: number;
  /** When it finished, module clock, ms since the epoch. */
  at: number;
  /** Scrubbed and capped. */
  error?: string;
}

const TIMED_OUT = Symbol('timed out');
/** How much of a failure's message is read before scrubbing, characters. */
const MESSAGE_READ_MAX = 4096;

/**
 * Runs one check, bounded by `timeoutMs` on the injected clock; never throws. A check that throws
 * synchronously, rejects or outlasts its timeout has failed; its signal is aborted at the deadline
 * so it can stop its own work, which may still run on (nothing waits for it).
 */
export async function runHealthCheck(definition: HealthCheckDefinition, timeoutMs: number, clock: Clock, maxErrorLength: number): Promise<CheckOutcome> {
  const started = clock.now();
  const abort = new AbortController();
  const stopTimer = new AbortController();
  // Beyond a timer's range (Infinity included) the timeout is that range: a longer timer fires at once.
  const deadline = clock.sleep(Math.min(timeoutMs, MAX_TIMER_MS), stopTimer.signal, { unref: true }).then(
    () => TIMED_OUT,
    () => undefined,
  );
  let error: string | undefined;
  try {
    const result = await Promise.race([Promise.resolve().then(() => definition.check(abort.signal)), deadline]);
    if (result === TIMED_OUT) {
      abort.abort(new Error(`health check "${definition.name}" timed out`));
      error = `timed out after ${timeoutMs} ms`;
    }
  } catch (thrown) {
    // Scrubbed before the cap, so a secret cut in two by the cap is still recognised.
    error = truncate(scrubString(messageOf(thrown, MESSAGE_READ_MAX)), maxErrorLength) || 'failed';
  } finally {
    stopTimer.abort();
  }
  const at = clock.now();
  return { name: definition.name, ok: error === undefined, latencyMs: Math.max(0, at - started), at, ...(error === undefined ? {} : { error }) };
}
