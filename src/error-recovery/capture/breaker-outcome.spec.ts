import type { Classification } from '../classify/classification.interface.js';
import { RouteTimeoutError, type InFlightRun } from '../errors/route-timeout.error.js';
import { breakerOutcome } from './breaker-outcome.js';

const classification = (transient: boolean): Classification => ({
  errorType: transient ? 'ConnectionError' : 'TypeError',
  category: transient ? 'network' : 'unknown',
  severity: 'high',
  httpStatus: transient ? 503 : 500,
  transient,
  fingerprint: 'f'.repeat(32),
  userMessage: 'x',
  message: 'x',
});
const report = (success: boolean, resolvedBy: string | null = success ? 'retry' : null) => ({ success, resolvedBy });

/** A route timeout whose run was taken and, when `inVain`, waited for without an answer. */
function routeTimeout(inVain: boolean | 'not waited'): RouteTimeoutError {
  const run: InFlightRun = { startedAt: 0, waitedInVain: inVain === true, wait: async () => undefined, abandon: () => undefined };
  const error = new RouteTimeoutError(100, run);
  if (inVain !== 'not waited') error.takeRun();
  return error;
}

describe('breakerOutcome', () => {
  it.each([
    ['not captured', new Error('x'), undefined, 'neutral'],
    ['a transient error recovery did not get past', new Error('reset'), { classification: classification(true), report: report(false) }, 'failure'],
    ['a transient error only a fallback answered', new Error('reset'), { classification: classification(true), report: report(true, 'fallback') }, 'failure'],
    ['a transient error a retry got past', new Error('reset'), { classification: classification(true), report: report(true) }, 'success'],
    ['a bug', new TypeError('x'), { classification: classification(false), report: report(false) }, 'success'],
    ['the route timeout, served by its own run', routeTimeout(false), { classification: classification(true), report: report(true, 'timeout_increase') }, 'success'],
    ['the route timeout, its run never waited for', routeTimeout('not waited'), { classification: classification(true), report: report(false) }, 'neutral'],
    ['the route timeout, its run failed while waited for', routeTimeout(false), { classification: classification(true), report: report(false) }, 'neutral'],
    ['the route timeout, its run still silent when the wait ended', routeTimeout(true), { classification: classification(true), report: report(false) }, 'failure'],
  ] as const)('%s → %s', (_label, error, captured, expected) => {
    expect(breakerOutcome(error, captured)).toBe(expected);
  });
});
