import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { RestartableTarget } from './restartable-target.decorator.js';
import { isRestartable, RestartableTargetRegistry } from './restartable-target.registry.js';

/** Registers every provider marked `@RestartableTarget()`. */
@Injectable()
export class RestartableTargetExplorer implements OnModuleInit {
  private readonly logger = new Logger('ErrorRecovery');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: RestartableTargetRegistry,
  ) {}

  /** Runs once every provider exists, so decorated instances are in hand. */
  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: RestartableTarget.KEY })) {
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(`${wrapper.name} is request-scoped; restartable targets must be singletons. It was not registered.`);
        continue;
      }
      const instance: unknown = wrapper.instance;
      if (!isRestartable(instance)) {
        this.logger.warn(`${wrapper.name} is marked @RestartableTarget() but has no "name" and "restart()". It was not registered.`);
        continue;
      }
      this.registry.register(instance, String(wrapper.name));
    }
  }
}
