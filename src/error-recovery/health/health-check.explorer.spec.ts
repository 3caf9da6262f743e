import type { DiscoveryService } from '@nestjs/core';
import { MetadataScanner } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { resolveOptions } from '../error-recovery-options.js';
import { isDuplicateHealthCheckError } from '../errors/duplicate-health-check.error.js';
import type { ErrorLogStore } from '../persistence/error-log-store.interface.js';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { fakeDiscovery } from '../targets/fake-data-source.spec-helper.js';
import { RegisterHealthCheck } from './health-check.decorator.js';
import { HealthCheckExplorer } from './health-check.explorer.js';
import { HealthCheckRegistry } from './health-check.registry.js';

class Payments {
  calls = 0;
  @RegisterHealthCheck('payments', { breaker: 'payments-api', critical: true, timeoutMs: 100 })
  ping(): string {
    this.calls++;
    return 'pong';
  }
  other(): void {}
}

class PaymentsAgain {
  @RegisterHealthCheck('payments')
  ping(): void {}
}

function explore(providers: { instance: unknown; static?: boolean }[]): HealthCheckRegistry {
  const options = resolveOptions({ health: { dataSources: false } }, {});
  const discovery = {
    getProviders: () => providers.map((p) => ({ instance: p.instance, name: 'P', token: 'P', isDependencyTreeStatic: () => p.static ?? true })),
  } as unknown as DiscoveryService;
  const registry = new HealthCheckRegistry(options, {} as DataSource, {} as ErrorLogStore, new DataSourceTargets(fakeDiscovery(), options));
  new HealthCheckExplorer(discovery, new MetadataScanner(), registry).onModuleInit();
  return registry;
}

describe('HealthCheckExplorer', () => {
  it('registers a decorated method with its options, bound to its instance', async () => {
    const payments = new Payments();
    const checks = explore([{ instance: payments }, { instance: null }, { instance: 'a value' }]).all();
    expect(checks.map((c) => c.name)).toEqual(['error_store', 'payments']);
    expect(checks[1]).toMatchObject({ breaker: 'payments-api', critical: true, timeoutMs: 100 });
    expect(await checks[1].check(new AbortController().signal)).toBe('pong');
    expect(payments.calls).toBe(1);
  });

  it('ignores request-scoped providers and fails start-up on a duplicate name', () => {
    expect(explore([{ instance: new Payments(), static: false }]).all().map((c) => c.name)).toEqual(['error_store']);
    let thrown: unknown;
    try {
      explore([{ instance: new Payments() }, { instance: new PaymentsAgain() }]);
    } catch (e) {
      thrown = e;
    }
    expect(isDuplicateHealthCheckError(thrown)).toBe(true);
  });
});
