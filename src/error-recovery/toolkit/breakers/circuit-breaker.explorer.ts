import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ModuleLogger } from '../../common/log-line.js';
import { CircuitBreakers } from './circuit-breakers.service.js';
import { bindCircuitBreakers, CIRCUIT_BREAKER_METHODS, type DeclaredMethodBreaker } from './circuit-breaker.decorator.js';

/**
 * Finds the singleton providers and controllers with `@CircuitBreaker()` methods, declares their
 * breakers and binds the instances to `CircuitBreakers`, so the guarded methods count on the registry.
 */
@Injectable()
export class CircuitBreakerExplorer implements OnModuleInit {
  private readonly logger = new ModuleLogger();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly breakers: CircuitBreakers,
  ) {}

  onModuleInit(): void {
    const found: { instance: object; declared: DeclaredMethodBreaker[] }[] = [];
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null) continue;
      const declared = Reflect.getMetadata(CIRCUIT_BREAKER_METHODS, instance.constructor) as DeclaredMethodBreaker[] | undefined;
      if (declared === undefined) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(`${String(wrapper.name)} is request-scoped; its @CircuitBreaker() methods run unguarded. Make it a singleton.`);
        continue;
      }
      found.push({ instance, declared });
    }
    // The options form declares; the name form declares with the module's policy unless declared
    // already — in any class, whatever the order the classes are found in.
    for (const { declared } of found) for (const d of declared) if (d.options) this.breakers.define(d.name, d.options);
    for (const { declared } of found) for (const d of declared) if (!d.options) this.breakers.define(d.name);
    for (const { instance } of found) bindCircuitBreakers(instance, this.breakers);
  }
}
