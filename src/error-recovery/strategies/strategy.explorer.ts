import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { RecoveryStrategy } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { StrategyRegistry } from './strategy-registry.js';

const isStrategy = (value: unknown): value is RecoveryStrategy =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as RecoveryStrategy).name === 'string' &&
  typeof (value as RecoveryStrategy).execute === 'function';

/** Registers every provider marked with `@RegisterStrategy()` (built-in and the app's own). */
@Injectable()
export class StrategyExplorer implements OnModuleInit {
  private readonly logger = new Logger('ErrorRecovery');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: StrategyRegistry,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: RegisterStrategy.KEY })) {
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(`${wrapper.name} is request-scoped; recovery strategies must be singletons. It was not registered.`);
        continue;
      }
      const instance: unknown = wrapper.instance;
      if (!isStrategy(instance)) {
        this.logger.warn(`${wrapper.name} is marked @RegisterStrategy() but has no "name" and "execute()". It was not registered.`);
        continue;
      }
      this.registry.register(instance);
    }
  }
}
