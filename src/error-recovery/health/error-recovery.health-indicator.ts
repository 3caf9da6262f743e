import { Injectable } from '@nestjs/common';
import type { HealthReport, HealthStatus } from './health-report.interface.js';
import { HealthService } from './health.service.js';

/** The result shape `@nestjs/terminus` reads from an indicator (its `HealthIndicatorResult`). */
export type TerminusIndicatorResult = Record<string, { status: 'up' | 'degraded' | 'down' } & Record<string, unknown>>;

const TERMINUS_STATUS: Record<HealthStatus, 'up' | 'degraded' | 'down'> = { healthy: 'up', degraded: 'degraded', error: 'down' };

/**
 * A `@nestjs/terminus` health indicator for apps that already use terminus: its results have the
 * shape terminus reads (`{ [key]: { status: 'up' | 'degraded' | 'down', ... } }`), so this file
 * imports nothing from terminus and the module runs without it.
 *
 * @example
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.recovery.isHealthy(), () => this.recovery.service('payments')]); }
 * ```
 */
@Injectable()
export class ErrorRecoveryHealthIndicator {
  constructor(private readonly health: HealthService) {}

  /** The overall status under `key` (default `error_recovery`), with the services and breakers. */
  async isHealthy(key = 'error_recovery'): Promise<TerminusIndicatorResult> {
    const report: HealthReport = await this.health.check();
    return { [key]: { status: TERMINUS_STATUS[report.status], services: report.services, circuit_breakers: report.circuit_breakers } };
  }

  /**
   * One dependency's last check under `key` (default its name); `down` when no check has that
   * name, with a message listing the names there are.
   */
  async service(name: string, key: string = name): Promise<TerminusIndicatorResult> {
    const report = await this.health.check();
    const service = Object.hasOwn(report.services, name) ? report.services[name] : undefined;
    if (!service) return { [key]: { status: 'down', message: `No health check named "${name}"; there are: ${Object.keys(report.services).join(', ')}.` } };
    const { status, ...details } = service;
    return { [key]: { status: TERMINUS_STATUS[status], ...details } };
  }
}
