import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ModuleLogger } from '../common/log-line.js';
import type { HealthCheckMetadata } from './health-check.decorator.js';
import { HealthCheckRegistry } from './health-check.registry.js';
import { HEALTH_CHECK_METADATA } from './health.constants.js';

const logger = new ModuleLogger();

/** Registers every `@RegisterHealthCheck()` method of the app's singleton providers at start-up. */
@Injectable()
export class HealthCheckExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: HealthCheckRegistry,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown> | null;
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[methodName];
        const meta = typeof method === 'function' ? (Reflect.getMetadata(HEALTH_CHECK_METADATA, method) as HealthCheckMetadata | undefined) : undefined;
        if (!meta || typeof method !== 'function') continue;
        if (!wrapper.isDependencyTreeStatic()) {
          logger.warn(`${String(wrapper.name)}.${methodName} is on a request-scoped provider; health checks must be singletons. It was ignored.`);
          continue;
        }
        const { name, ...options } = meta;
        // A duplicate name throws here: a start-up error naming both, never a check silently lost.
        this.registry.register(name, (signal) => (method as (s: AbortSignal) => unknown).call(instance, signal), options);
      }
    }
  }
}
