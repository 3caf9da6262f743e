import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { DiscoveryService } from '@nestjs/core';
import { RestartableTarget } from './restartable-target.decorator.js';
import { discoverProviders } from '../common/discover-providers.js';
import { isRestartable, RestartableTargetRegistry } from './restartable-target.registry.js';

/** Registers every provider marked `@RestartableTarget()`. */
@Injectable()
export class RestartableTargetExplorer implements OnModuleInit {
  private readonly logger = new ModuleLogger();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: RestartableTargetRegistry,
  ) {}

  /** Runs once every provider exists, so decorated instances are in hand. */
  onModuleInit(): void {
    const label = { decorator: '@RestartableTarget()', kind: 'restartable targets', needs: '"name" and "restart()"' };
    for (const { instance, name } of discoverProviders(this.discovery, RestartableTarget.KEY, isRestartable, label, this.logger)) {
      this.registry.register(instance, name);
    }
  }
}
