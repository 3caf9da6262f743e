import 'reflect-metadata';
import type { DiscoveryService } from '@nestjs/core';
import { breakersSetup } from './breakers.spec-helper.js';
import { CircuitBreaker } from './circuit-breaker.decorator.js';
import { CircuitBreakerExplorer } from './circuit-breaker.explorer.js';

/** Names breaker `search` only: it means the one declared elsewhere. */
class SearchReader {
  @CircuitBreaker('search')
  async find(): Promise<string> {
    return 'found';
  }
}

/** Declares breaker `search` with its options. */
class SearchWriter {
  @CircuitBreaker({ name: 'search', preset: 'external_api' })
  async index(): Promise<string> {
    return 'indexed';
  }
}

function explore(instances: object[]) {
  const setup = breakersSetup();
  const wrappers = instances.map((instance) => ({ instance, name: instance.constructor.name, isDependencyTreeStatic: () => true }));
  const discovery = { getProviders: () => wrappers, getControllers: () => [] } as unknown as DiscoveryService;
  new CircuitBreakerExplorer(discovery, setup.breakers).onModuleInit();
  return setup;
}

describe('CircuitBreakerExplorer', () => {
  it('a breaker declared with options in one class keeps them whatever the order the classes are found in', () => {
    for (const order of [[new SearchReader(), new SearchWriter()], [new SearchWriter(), new SearchReader()]]) {
      const { breakers } = explore(order);
      expect(breakers.getStatus('search').policy).toMatchObject({ failureThreshold: 5, openMs: 120_000, halfOpenRequests: 3 });
    }
  });
});
