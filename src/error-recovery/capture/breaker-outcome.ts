import type { Classification } from '../classify/classification.interface.js';
import type { RecoveryReport } from '../execute/recovery-report.js';
import type { CircuitOutcome } from '../resilience/circuit-state.js';
import { isRouteTimeoutError } from '../errors/route-timeout.error.js';

/**
 * How a failed request counts against its route's breaker, once recovery is over:
 * - the route's own timeout that the handler still answered (its own run, waited for by
 *   timeout_increase, or a replay): `success` — a slow dependency that answers is working;
 * - the route's own timeout whose run had still not answered when timeout_increase stopped waiting
 *   for it (raised timeout or budget over): `failure` — a dependency that does not answer at all is
 *   down, and failing fast beats every request hanging for its timeout plus the budget;
 * - the route's own timeout otherwise, or an error the module did not classify: `neutral` (decides nothing);
 * - a dependency (transient) error the handler never got past — recovery failed, or only a
 *   fallback answered: `failure`;
 * - anything else (a retry got through, or a bug or client error — an answer from a working
 *   dependency): `success`.
 */
export function breakerOutcome(
  error: unknown,
  captured: { classification: Classification; report: Pick<RecoveryReport, 'success' | 'resolvedBy'> } | undefined,
): CircuitOutcome {
  if (captured === undefined) return 'neutral';
  const served = captured.report.success && captured.report.resolvedBy !== 'fallback';
  if (isRouteTimeoutError(error)) {
    if (served) return 'success';
    return error.waitedInVain ? 'failure' : 'neutral';
  }
  if (!captured.classification.transient) return 'success';
  return served ? 'success' : 'failure';
}
