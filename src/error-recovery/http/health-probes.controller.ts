import { Controller, Get, Header, Inject, Res, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { HealthService } from '../health/health.service.js';

/** Paths of the unauthenticated probes. */
export interface HealthProbePaths {
  /** Liveness: 200 while the process serves HTTP. Default `health/live`. */
  live: string;
  /** Readiness: 200 when ready, 503 when the module's store or a critical check fails. Default `health/ready`. */
  ready: string;
}

/**
 * Builds the liveness and readiness probes for orchestrators. No guard (a kubelet has no token)
 * and so no internals in the bodies: the status only. A 503 is returned, not thrown, so it is
 * never captured as an error of the app.
 */
export function createHealthProbesController(paths: HealthProbePaths): Type<unknown> {
  @Controller()
  class HealthProbesController {
    constructor(
      private readonly health: HealthService,
      private readonly adapter: HttpAdapterHost,
      @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    ) {}

    @Get(paths.live)
    @Header('Cache-Control', 'no-store')
    live(): { status: 'ok' } {
      return { status: 'ok' };
    }

    /** With `health: false` no check runs and the module never says "not ready". */
    @Get(paths.ready)
    @Header('Cache-Control', 'no-store')
    async ready(@Res({ passthrough: true }) response: unknown): Promise<{ status: 'ready' | 'not_ready' }> {
      if (!this.options.health.enabled) return { status: 'ready' };
      const report = await this.health.check();
      if (report.status !== 'error') return { status: 'ready' };
      this.adapter.httpAdapter.status(response, 503);
      return { status: 'not_ready' };
    }
  }
  return HealthProbesController;
}
