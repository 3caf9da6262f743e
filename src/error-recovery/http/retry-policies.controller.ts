import { Controller, Get, UseGuards, type CanActivate, type Type } from '@nestjs/common';
import { RetryPolicies } from '../toolkit/retry/retry-policies.service.js';

/**
 * Builds the admin controller of the retry policies under `prefix` (the errors API's), guarded by
 * `guard`. A factory, because the path of a Nest controller is fixed when its class is decorated.
 */
export function createRetryPoliciesController(prefix: string, guard: Type<CanActivate>): Type<unknown> {
  @Controller(prefix)
  @UseGuards(guard)
  class RetryPoliciesController {
    constructor(private readonly policies: RetryPolicies) {}

    /** Every retry policy used since start-up with its counters, and the names `RetryPolicies.get()` accepts. */
    @Get('retry-policies')
    list(): Record<string, unknown> {
      return {
        names: this.policies.names(),
        items: this.policies.stats().map((s) => ({
          name: s.name,
          executions: s.executions,
          attempts: s.attempts,
          retries: s.retries,
          successes: s.successes,
          give_ups: s.giveUps,
          give_up_reasons: s.giveUpReasons,
          retries_per_success: s.retriesPerSuccess,
        })),
      };
    }
  }
  return RetryPoliciesController;
}
