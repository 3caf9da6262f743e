import { Injectable } from '@nestjs/common';
import { CircuitBreakerRegistry } from '../state/circuit-breaker.registry.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';

/**
 * Opens the breaker of the failing route (or of the dependency named with
 * `@AiErrorHandler({ circuit })`) now, so the next requests fail fast with 503 + Retry-After instead
 * of piling onto a dependency that is down. It protects the next requests; it does not serve this one.
 */
@Injectable()
@RegisterStrategy()
export class CircuitBreakStrategy implements RecoveryStrategy {
  readonly name = 'circuit_break';

  constructor(private readonly breakers: CircuitBreakerRegistry) {}

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const startedAt = ctx.clock.now();
    const skipped = (message: string): StrategyOutcome => steps.skip(ctx, message);
    if (ctx.routeOptions?.circuitBreaker === false) return skipped('circuit breaker disabled for this route');
    const name = ctx.routeOptions?.circuit ?? ctx.route?.key;
    if (!name) return skipped('no route or dependency to protect');
    const before = this.breakers.list().find((b) => b.name === name);
    if (before?.state === 'open') return skipped(`breaker "${name}" already open until ${before.reopen_at}`);
    const open = this.breakers.open(name);
    const seconds = Math.round((open.reopenAt - open.openedAt) / 1000);
    return {
      resolved: false,
      steps: [
        {
          success: true,
          skipped: false,
          message: `breaker "${name}" opened for ${seconds} s (was ${before?.state ?? 'closed'})`,
          details: { breaker: name, from: before?.state ?? 'closed', to: 'open', reopenAt: new Date(open.reopenAt).toISOString() },
          startedAt,
          durationMs: ctx.clock.now() - startedAt,
        },
      ],
    };
  }
}
