import type { Classification } from '../classify/classification.interface.js';
import { resolveOptions } from '../error-recovery-options.js';
import { systemClock } from '../resilience/clock.js';
import type { RecoveryContext } from '../strategies/recovery-strategy.interface.js';

/** A transient ConnectionError classification, for specs. */
export const transientConnection: Classification = {
  errorType: 'ConnectionError',
  category: 'network',
  severity: 'high',
  httpStatus: 503,
  transient: true,
  fingerprint: 'f'.repeat(32),
  userMessage: 'unavailable',
  message: 'read ECONNRESET',
};

/** A recovery context for specs: transient error, replay-safe, product retry defaults. */
export function specContext(overrides: Partial<Omit<RecoveryContext, 'budget'>> = {}): Omit<RecoveryContext, 'budget'> {
  return {
    errorId: '00000000-0000-4000-8000-000000000000',
    error: new Error('read ECONNRESET'),
    classification: transientConnection,
    trigger: 'automatic',
    replaySafe: true,
    retry: resolveOptions({}, {}).retry,
    parameters: resolveOptions({}, {}).parameters,
    clock: systemClock,
    classify: () => transientConnection,
    ...overrides,
  };
}
