import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { ErrorRecoveryModule } from '../error-recovery/index.js';
import type { DemoConfig } from './demo.config.js';
import { DemoController } from './demo.controller.js';
import { FlakyDependency } from './flaky.dependency.js';
import { StrategiesDemoController } from './strategies-demo.controller.js';
import { CatalogCache, SearchClient } from './demo-targets.js';
import { TargetsDemoController } from './targets-demo.controller.js';
import { RetryDemoController } from './retry-demo.controller.js';
import { CheckpointDemoController } from './checkpoint-demo.controller.js';
import { HealthDemoController } from './health-demo.controller.js';
import { FallbackDemoController } from './fallback-demo.controller.js';
import { FakeModelServers } from './fake-model.servers.js';
import { StockApiClient } from './stock-api.client.js';
import { InventoryClient } from './inventory.client.js';
import { DeadLetterDemoModule } from './dead-letter-demo.controller.js';

/** The demo app: a few routes that fail on purpose, with the error-recovery module installed. */
@Module({})
export class DemoModule {
  static forRoot(config: DemoConfig = {}): DynamicModule {
    const dataDir = config.dataDir ?? './data';
    return {
      module: DemoModule,
      imports: [
        // The demo's own data. On the embedded database it shares the PGlite instance of the module.
        TypeOrmModule.forRoot(
          config.databaseUrl
            ? // A small pool with a short wait, so /demo/hold can exhaust it and pool_increase can grow it.
              { type: 'postgres', url: config.databaseUrl, poolSize: 2, extra: { connectionTimeoutMillis: 1000 } }
            : {
                type: 'postgres',
                driver: new PGliteDriver(dataDir === 'memory://' ? {} : { dataDir }).driver,
                installExtensions: false,
              },
        ),
        ErrorRecoveryModule.forRoot({
          service: 'demo',
          ...config.errorRecovery,
          // The demo runs with no set-up whatever NODE_ENV is: the embedded database is its choice.
          database: { url: config.databaseUrl, dataDir, embedded: true, ...config.errorRecovery?.database },
        }),
        DeadLetterDemoModule,
      ],
      controllers: [DemoController, StrategiesDemoController, TargetsDemoController, RetryDemoController, CheckpointDemoController, HealthDemoController, FallbackDemoController],
      providers: [FlakyDependency, CatalogCache, SearchClient, InventoryClient, FakeModelServers, StockApiClient],
    };
  }
}
