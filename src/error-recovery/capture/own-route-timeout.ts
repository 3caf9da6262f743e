import { TimeoutError } from 'rxjs';

/**
 * Whether `error` is the module's own route timeout (`withTimeout`, capture/with-timeout.ts) rather
 * than a failure of a dependency. A slow-but-working dependency is not "down", so this error never
 * counts against a breaker. The one place that tells them apart: when the route timeout gets its
 * own error class, point this at its guard.
 */
export function isOwnRouteTimeout(error: unknown): boolean {
  return error instanceof TimeoutError;
}
