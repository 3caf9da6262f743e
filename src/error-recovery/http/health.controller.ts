import { Controller, Get, Header, Inject, NotFoundException, Query, UseGuards, type CanActivate, type Type } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import type { HealthReport } from '../health/health-report.interface.js';
import { HealthService } from '../health/health.service.js';

/**
 * Builds the admin health endpoint, `GET <prefix>/health`, guarded like the rest of the admin API.
 * Registered before the errors controller: its `GET :id` would otherwise take `health` on Express.
 */
export function createHealthController(prefix: string, guard: Type<CanActivate>): Type<unknown> {
  @Controller(prefix)
  @UseGuards(guard)
  class HealthController {
    constructor(
      private readonly health: HealthService,
      @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    ) {}

    /**
     * Every dependency's check and every breaker. The last report when it is younger than
     * `health.maxAgeMs`; `?refresh=true` runs the checks now. Answers 200 whatever the status:
     * the status is in the body (the readiness probe is the one that answers 503).
     */
    @Get('health')
    @Header('Cache-Control', 'no-store')
    report(@Query('refresh') refresh?: string): Promise<HealthReport> {
      if (!this.options.health.enabled) throw new NotFoundException('Health checks are off (the module option health is false).');
      return this.health.check(refresh === 'true' || refresh === '1' ? 0 : undefined);
    }
  }
  return HealthController;
}
