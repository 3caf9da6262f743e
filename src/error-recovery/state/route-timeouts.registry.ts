import { Inject, Injectable } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';

/** A timeout raised by timeout_increase, as the API lists it. */
export interface RaisedTimeoutView {
  route: string;
  base_ms: number;
  current_ms: number;
  until: string;
}

/** The route settings a route timeout comes from. */
export interface RouteTimeoutSettings {
  timeoutMs?: number;
  parameters?: { timeout_increase?: { currentTimeoutMs?: number } };
}

/**
 * Base timeout of a route, ms (0: none): its `timeoutMs`, else its own
 * `parameters.timeout_increase.currentTimeoutMs`, else the module's `routeTimeoutMs` (default 0).
 */
export function baseRouteTimeout(route: RouteTimeoutSettings | undefined, moduleTimeoutMs: number): number {
  return Math.max(0, route?.timeoutMs ?? route?.parameters?.timeout_increase?.currentTimeoutMs ?? moduleTimeoutMs);
}

/**
 * The timeout each route runs under: its base (route option or parameter), or a raised value for a
 * cool-down window after timeout_increase, after which it decays back to the base.
 */
@Injectable()
export class RouteTimeouts {
  private readonly raised = new Map<string, { base: number; timeoutMs: number; until: number }>();

  constructor(@Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions) {}

  /** Timeout in force for `route`, ms; 0 means none. */
  current(route: string, base: number): number {
    if (this.raised.size === 0 || base === 0) return base;
    const entry = this.raised.get(route);
    if (!entry) return base;
    if (this.options.clock.now() >= entry.until) {
      this.raised.delete(route);
      return base;
    }
    return Math.max(base, entry.timeoutMs);
  }

  /** Keeps `timeoutMs` for `route` until `coolDownMs` from now. */
  raise(route: string, base: number, timeoutMs: number, coolDownMs: number): void {
    this.raised.set(route, { base, timeoutMs, until: this.options.clock.now() + coolDownMs });
  }

  list(): RaisedTimeoutView[] {
    const now = this.options.clock.now();
    return [...this.raised.entries()]
      .filter(([, e]) => e.until > now)
      .map(([route, e]) => ({ route, base_ms: e.base, current_ms: e.timeoutMs, until: new Date(e.until).toISOString() }));
  }
}
