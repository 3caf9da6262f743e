import { SetMetadata } from '@nestjs/common';
import type { HealthCheckOptions } from './health-check.interface.js';
import { HEALTH_CHECK_METADATA } from './health.constants.js';

/** What `@RegisterHealthCheck()` stores on a method. */
export interface HealthCheckMetadata extends HealthCheckOptions {
  name: string;
}

/**
 * Makes a provider method the health check of dependency `name`: it resolves when the dependency
 * is usable and throws when not (it receives an `AbortSignal` that aborts at its timeout). Found at
 * start-up on singleton providers; a duplicate name is a start-up error. Not named `HealthCheck`
 * so it does not clash with `@nestjs/terminus`' decorator.
 *
 * @example
 * ```ts
 * @Injectable()
 * class PaymentsClient {
 *   @RegisterHealthCheck('payments', { breaker: 'payments-api', timeoutMs: 1000 })
 *   async ping(signal: AbortSignal) { await fetch(`${this.url}/ping`, { signal }); }
 * }
 * ```
 */
export const RegisterHealthCheck = (name: string, options: HealthCheckOptions = {}): MethodDecorator =>
  SetMetadata<string, HealthCheckMetadata>(HEALTH_CHECK_METADATA, { ...options, name });
