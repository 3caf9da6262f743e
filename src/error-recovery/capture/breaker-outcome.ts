import type { Classification } from '../classify/classification.interface.js';
import type { RecoveryReport } from '../execute/recovery-report.js';
import type { CircuitOutcome } from '../resilience/circuit-state.js';
import { isRouteTimeoutError } from '../errors/route-timeout.error.js';

/**
 * How a failed request counts against its route's breaker, once recovery is over:
 * - the route's own timeout, or an error the module did not classify: `neutral` (decides nothing);
 * - a dependency (transient) error the handler never got past — recovery failed, or only a
 *   fallback answered: `failure`;
 * - anything else (a retry got through, or a bug or client error — an answer from a working
 *   dependency): `success`.
 */
export function breakerOutcome(
  error: unknown,
  captured: { classification: Classification; report: Pick<RecoveryReport, 'success' | 'resolvedBy'> } | undefined,
): CircuitOutcome {
  if (isRouteTimeoutError(error) || captured === undefined) return 'neutral';
  if (!captured.classification.transient) return 'success';
  const served = captured.report.success && captured.report.resolvedBy !== 'fallback';
  return served ? 'success' : 'failure';
}
