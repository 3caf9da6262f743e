import { Injectable } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import { RestartHistoryRegistry, type RestartResult } from '../state/restart-history.registry.js';
import { DataSourceRestartable } from '../targets/data-source.restartable.js';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { RestartableTargetRegistry } from '../targets/restartable-target.registry.js';
import { chooseRestartTarget } from './choose-restart-target.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';
import { restartTarget, within } from './restart-runner.js';
import { thenReplay } from './then-replay.js';

/** The step's message for a restart that ran (or was joined) and how it ended. */
function restartMessage(name: string, result: RestartResult | undefined, limitMs: number): string {
  if (!result) return `restart of "${name}" timed out after ${limitMs} ms (it goes on in the background)`;
  switch (result.outcome) {
    case 'succeeded':
      return `restarted "${name}" in ${result.durationMs} ms (health check ${result.healthCheck})`;
    case 'unhealthy':
      return `restarted "${name}" but its health check failed: ${result.detail ?? 'unhealthy'}`;
    case 'failed':
      return `restart of "${name}" failed: ${result.detail ?? 'unknown error'}`;
    default: {
      const never: never = result.outcome;
      return String(never);
    }
  }
}

/**
 * Restarts the target behind the error — a DataSource (destroy, initialize, `SELECT 1`), a provider
 * marked `@RestartableTarget()` or a `targets.restartables` entry — at most `maxRestarts` times per
 * `windowMs` per target, bounded by `timeoutSeconds` and the recovery budget, then runs the request
 * again when that is safe. Concurrent recoveries join the restart in progress instead of starting
 * another. It never stops the process.
 */
@Injectable()
@RegisterStrategy()
export class ServiceRestartStrategy implements RecoveryStrategy {
  readonly name = 'service_restart';

  constructor(
    private readonly restartables: RestartableTargetRegistry,
    private readonly dataSources: DataSourceTargets,
    private readonly history: RestartHistoryRegistry,
  ) {}

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const startedAt = ctx.clock.now();
    const skipped = (message: string, details?: StrategyStep['details']): StrategyOutcome => steps.skip(ctx, message, details, startedAt);
    try {
      const p = ctx.parameters.service_restart;
      const choice = chooseRestartTarget({
        target: p.target,
        dataSource: p.dataSource,
        errorType: ctx.classification.errorType,
        restartables: this.restartables.list(),
        dataSources: this.dataSources.list(),
      });
      if ('skip' in choice) return skipped(choice.skip);
      const { target, kind, chosenBy } = choice;
      const refusal = target instanceof DataSourceRestartable ? target.refusal() : undefined;
      if (refusal) return skipped(refusal, { target: target.name, kind });

      let running = this.history.running(target.name);
      const joined = running !== undefined;
      let inWindow: number | undefined;
      if (!running) {
        const claim = this.history.claim(target.name, p.maxRestarts, p.windowMs);
        if (!claim.allowed) {
          const next = claim.nextAllowedAt === undefined ? 'restarts disabled (maxRestarts 0)' : `next allowed at ${new Date(claim.nextAllowedAt).toISOString()}`;
          return skipped(`restart limit reached: ${claim.inWindow} in window (max ${p.maxRestarts} per ${p.windowMs} ms; ${next})`, {
            target: target.name,
            kind,
            restartsInWindow: claim.inWindow,
            maxRestarts: p.maxRestarts,
            windowMs: p.windowMs,
          });
        }
        inWindow = claim.inWindow;
        running = restartTarget(target, p.healthCheck, ctx.clock);
        this.history.track(target.name, running);
      }
      const limitMs = Math.min(p.timeoutSeconds * 1000, ctx.budget.remaining());
      const result = await within(running, limitMs);
      const message = restartMessage(target.name, result, limitMs);
      const effect: StrategyStep = {
        success: result?.outcome === 'succeeded',
        skipped: false,
        message: joined ? `joined the restart in progress: ${message}` : message,
        details: {
          target: target.name,
          kind,
          chosenBy,
          joined,
          outcome: result?.outcome ?? 'timed_out',
          healthCheck: result?.healthCheck ?? 'not_run',
          graceful: kind === 'dataSource' ? true : p.graceful,
          timeoutMs: limitMs,
          restartsInWindow: inWindow ?? null,
          maxRestarts: p.maxRestarts,
          windowMs: p.windowMs,
        },
        startedAt,
        durationMs: ctx.clock.now() - startedAt,
      };
      if (!effect.success) return { resolved: false, steps: [{ ...effect, message: `${effect.message}; replay skipped: the restart did not succeed` }] };
      return await thenReplay(ctx, effect, 'restart');
    } catch (error) {
      return { resolved: false, steps: [{ success: false, skipped: false, message: `service_restart failed: ${messageOf(error, 300)}`, startedAt, durationMs: ctx.clock.now() - startedAt }] };
    }
  }
}
