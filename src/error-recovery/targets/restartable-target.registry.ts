import { Inject, Injectable } from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import type { Restartable } from '../common/recovery-target.interface.js';

/** True for a value with a string `name` and a `restart()` method. */
export const isRestartable = (value: unknown): value is Restartable =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Restartable).name === 'string' &&
  typeof (value as Restartable).restart === 'function';

/**
 * The targets service_restart may restart besides DataSources, by name: `targets.restartables` from
 * the options and the providers marked `@RestartableTarget()` (registered by the explorer).
 */
@Injectable()
export class RestartableTargetRegistry {
  private readonly logger = new ModuleLogger();
  private readonly targets = new Map<string, Restartable>();

  constructor(@Inject(ERROR_RECOVERY_OPTIONS) options: ResolvedErrorRecoveryOptions) {
    for (const target of options.targets.restartables ?? []) this.register(target, 'targets.restartables');
  }

  /**
   * Adds a target. A second target with a taken name is refused with a warning rather than an
   * error, so that a naming slip cannot stop the app from starting; routes could not tell them apart.
   */
  register(target: Restartable, source: string): boolean {
    if (this.targets.has(target.name)) {
      this.logger.warn(`A restartable target named "${target.name}" is already registered; the one from ${source} was ignored. Give it another name.`);
      return false;
    }
    this.targets.set(target.name, target);
    return true;
  }

  /** The target named `name`, if registered. */
  get(name: string): Restartable | undefined {
    return this.targets.get(name);
  }

  /** Every registered target, in registration order. */
  list(): Restartable[] {
    return [...this.targets.values()];
  }
}
