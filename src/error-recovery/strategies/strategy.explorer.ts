import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { DiscoveryService } from '@nestjs/core';
import type { RecoveryStrategy } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { StrategyRegistry } from './strategy-registry.js';
import { discoverProviders } from '../common/discover-providers.js';

const isStrategy = (value: unknown): value is RecoveryStrategy =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as RecoveryStrategy).name === 'string' &&
  typeof (value as RecoveryStrategy).execute === 'function';

/** Registers every provider marked with `@RegisterStrategy()` (built-in and the app's own). */
@Injectable()
export class StrategyExplorer implements OnModuleInit {
  private readonly logger = new ModuleLogger();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: StrategyRegistry,
  ) {}

  onModuleInit(): void {
    const label = { decorator: '@RegisterStrategy()', kind: 'recovery strategies', needs: '"name" and "execute()"' };
    for (const { instance } of discoverProviders(this.discovery, RegisterStrategy.KEY, isStrategy, label, this.logger)) {
      this.registry.register(instance);
    }
  }
}
