import { Inject, Injectable } from '@nestjs/common';
import type { JsonValue } from '../common/safe-serialize.js';
import { messageOf } from '../common/error-text.js';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ScaleCooldown } from '../scalers/scale-cooldown.js';
import { ScaleHistory } from '../scalers/scale.history.js';
import { ScalerTargets } from '../targets/scaler-targets.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import type { ScaleRequest, ScaleResult, Scaler } from '../common/recovery-target.interface.js';
import { steps } from './strategy-steps.js';

/**
 * Adds capacity when errors say the service is short of it (memory, timeouts): asks every
 * registered scaler (or those named in `scalers`) to scale up by `scaleFactor`, capped at
 * `maxScaleFactor` × the size before scaling, at most once per scaler per `coolDownMs`. Off unless
 * `autoScale` (env AUTO_SCALE_ON_ERROR). It protects the next requests; it does not serve this one.
 * The cool-down here is per process; the Kubernetes scaler also keeps it (and the cap's baseline)
 * on the Deployment, shared by every instance.
 */
@Injectable()
@RegisterStrategy()
export class ResourceScaleStrategy implements RecoveryStrategy {
  readonly name = 'resource_scale';
  private readonly cooldown = new ScaleCooldown();

  constructor(
    private readonly scalers: ScalerTargets,
    private readonly history: ScaleHistory,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const p = ctx.parameters.resource_scale;
    if (!p.autoScale) return steps.skip(ctx, 'auto-scaling disabled (AUTO_SCALE_ON_ERROR)');
    if (!(p.scaleFactor > 1)) return steps.skip(ctx, `scaleFactor ${p.scaleFactor} adds no capacity`);
    if (this.scalers.targets().length === 0) return steps.skip(ctx, 'no scaler registered');
    const unknown = p.scalers.filter((name) => !this.scalers.get(name));
    const chosen = p.scalers.length > 0 ? p.scalers.flatMap((name) => this.scalers.get(name) ?? []) : this.scalers.targets();
    const request: ScaleRequest = {
      factor: p.scaleFactor,
      maxFactor: p.maxScaleFactor,
      resourceType: p.resourceType,
      service: ctx.routeOptions?.service ?? this.options.service,
      errorId: ctx.errorId,
    };
    // Scalers are independent targets: asked in parallel so one slow API does not eat the others' budget.
    const done = await Promise.all(chosen.map((scaler) => this.scaleOne(ctx, scaler, request, p.coolDownMs)));
    return { resolved: false, steps: [...unknown.map((name) => steps.skipped(ctx, `scaler "${name}" is not registered`)), ...done] };
  }

  private async scaleOne(ctx: RecoveryContext, scaler: Scaler, request: ScaleRequest, coolDownMs: number): Promise<StrategyStep> {
    const startedAt = ctx.clock.now();
    const until = this.cooldown.until(scaler.name, startedAt, coolDownMs);
    let result: ScaleResult;
    if (until !== undefined) {
      result = { kind: 'skipped', reason: `cooling down until ${new Date(until).toISOString()}` };
    } else if (!this.cooldown.begin(scaler.name)) {
      result = { kind: 'skipped', reason: 'a scale-up is already in progress' };
    } else {
      try {
        // The cool-down travels with the request: a scaler shared by several instances applies it to all.
        result = await scaler.scaleUp({ ...request, coolDownMs, now: startedAt });
      } catch (error) {
        result = { kind: 'failed', reason: `scaler threw: ${messageOf(error, 300)}` };
      }
      this.cooldown.end(scaler.name, result.kind === 'scaled' ? ctx.clock.now() : undefined);
    }
    const from = result.kind === 'scaled' ? (result.from ?? null) : null;
    const to = result.kind === 'scaled' ? (result.to ?? null) : null;
    const details: { [key: string]: JsonValue } = {
      scaler: scaler.name,
      factor: request.factor,
      maxFactor: request.maxFactor,
      resourceType: request.resourceType,
      coolDownMs,
      from,
      to,
      ...result.details,
    };
    const message = `${scaler.name}: ${result.kind === 'scaled' ? result.message : result.reason}`;
    this.history.add({ at: new Date(startedAt).toISOString(), error_id: request.errorId, scaler: scaler.name, outcome: result.kind, from, to, factor: request.factor, max_factor: request.maxFactor, message });
    if (result.kind === 'skipped') return { ...steps.skipped(ctx, message), details };
    return steps.done(ctx, startedAt, result.kind === 'scaled', message, details);
  }
}
