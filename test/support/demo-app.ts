import type { INestApplication } from '@nestjs/common';
import { DemoModule } from '../../src/demo/demo.module.js';
import type { ErrorRecoveryModuleOptions } from '../../src/error-recovery/index.js';
import { DATABASE_URL, testDatabase, uniqueService } from './database.js';
import { startApp } from './app.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The demo app on the test database, with fast retries and a service name of its own. */
export async function startDemo(
  label: string,
  overrides: ErrorRecoveryModuleOptions = {},
): Promise<{ app: INestApplication; service: string }> {
  const service = uniqueService(label);
  const app = await startApp([
    DemoModule.forRoot({
      databaseUrl: DATABASE_URL,
      dataDir: 'memory://',
      errorRecovery: {
        service,
        environment: 'production',
        adminToken: ADMIN_TOKEN,
        retry: { delayMs: 5, maxDelayMs: 20 },
        ...overrides,
        database: { ...testDatabase(), ...overrides.database },
      },
    }),
  ]);
  return { app, service };
}
