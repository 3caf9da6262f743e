import { Injectable } from '@nestjs/common';
import type { RecoveryStrategy } from './recovery-strategy.interface.js';

/** Error raised when two strategies claim the same name. */
export class DuplicateStrategyError extends Error {
  constructor(name: string) {
    super(`A recovery strategy named "${name}" is already registered. Give your strategy another name.`);
    this.name = 'DuplicateStrategyError';
  }
}

/** The strategies that exist in this app, by name. A plan step with no strategy here is skipped. */
@Injectable()
export class StrategyRegistry {
  private readonly strategies = new Map<string, RecoveryStrategy>();

  register(strategy: RecoveryStrategy): void {
    if (this.strategies.has(strategy.name)) throw new DuplicateStrategyError(strategy.name);
    this.strategies.set(strategy.name, strategy);
  }

  get(name: string): RecoveryStrategy | undefined {
    return this.strategies.get(name);
  }

  names(): string[] {
    return [...this.strategies.keys()];
  }
}
