import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { DiscoveryService } from '@nestjs/core';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import type { Scaler } from '../common/recovery-target.interface.js';
import { discoverProviders } from '../common/discover-providers.js';
import { ScalerTarget } from './scaler-target.decorator.js';

const isScaler = (value: unknown): value is Scaler =>
  typeof value === 'object' && value !== null && typeof (value as Scaler).name === 'string' && typeof (value as Scaler).scaleUp === 'function';

/**
 * The scalers of the app, found once at start-up: `targets.scalers` and providers marked
 * `@ScalerTarget()`. Names are unique, because cool-downs and the `scalers` parameter use them.
 */
@Injectable()
export class ScalerTargets implements OnModuleInit {
  private readonly logger = new ModuleLogger();
  private readonly byName = new Map<string, Scaler>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  onModuleInit(): void {
    for (const scaler of this.options.targets.scalers ?? []) this.add(scaler, 'targets.scalers');
    const label = { decorator: '@ScalerTarget()', kind: 'scalers', needs: '"name" and "scaleUp()"' };
    for (const { instance, name } of discoverProviders(this.discovery, ScalerTarget.KEY, isScaler, label, this.logger)) {
      this.add(instance, name);
    }
  }

  /** Every scaler, in registration order. */
  targets(): Scaler[] {
    return [...this.byName.values()];
  }

  get(name: string): Scaler | undefined {
    return this.byName.get(name);
  }

  /** The registered scalers, for the admin API. */
  list(): { name: string; type: string }[] {
    return this.targets().map((s) => ({ name: s.name, type: s.constructor.name }));
  }

  private add(scaler: Scaler, source: string): void {
    const existing = this.byName.get(scaler.name);
    if (existing === scaler) return;
    if (existing) {
      this.logger.warn(`A scaler named "${scaler.name}" is already registered; the one from ${source} was not. Give it another name.`);
      return;
    }
    this.byName.set(scaler.name, scaler);
  }
}
