import type { Classification } from '../classify/classification.interface.js';
import type { RecoveryReport } from '../execute/recovery-report.js';

/** A captured error: its id, how it was classified and what recovery did. */
export interface CapturedError {
  id: string;
  classification: Classification;
  report: RecoveryReport;
}

/**
 * What was already done about an error, so it is captured once: per request (the interceptor
 * captured it, or the route declined capture) and per error object `withRecovery` rethrew.
 */
export class CapturedErrors {
  private readonly handled = new WeakMap<object, { error: unknown; captured: CapturedError | 'declined' }>();
  /**
   * Errors `withRecovery` captured and rethrew, so the request they reach does not capture them again.
   * Set only there and taken once: an error object thrown by many requests (a module-level constant)
   * must never lead one request to another's capture — or to its recovered answer.
   */
  private readonly byError = new WeakMap<object, CapturedError>();

  rethrown(error: unknown, captured: CapturedError): void {
    if (typeof error === 'object' && error !== null) this.byError.set(error, captured);
  }

  earlier(error: unknown): CapturedError | undefined {
    if (typeof error !== 'object' || error === null) return undefined;
    const captured = this.byError.get(error);
    if (captured) this.byError.delete(error);
    return captured;
  }

  decline(request: object, error: unknown): void {
    this.handled.set(request, { error, captured: 'declined' });
  }

  declined(request: object, error: unknown): boolean {
    const entry = this.handled.get(request);
    return entry !== undefined && entry.error === error && entry.captured === 'declined';
  }

  remember(request: object, error: unknown, captured: CapturedError): void {
    this.handled.set(request, { error, captured });
  }

  /**
   * The capture of this request's failure when it was made of another error: the route stored its
   * handler's error and recovery failed, then something between the handler and the filter (an
   * interceptor of the app mapping errors) threw a new one. Undefined otherwise.
   */
  failedBefore(request: object, error: unknown): CapturedError | undefined {
    const entry = this.handled.get(request);
    if (!entry || entry.error === error || entry.captured === 'declined' || entry.captured.report.success) return undefined;
    return entry.captured;
  }

  recall(request: object, error: unknown): CapturedError | undefined {
    const entry = this.handled.get(request);
    if (entry && entry.error === error && entry.captured !== 'declined') return entry.captured;
    return this.earlier(error);
  }
}
