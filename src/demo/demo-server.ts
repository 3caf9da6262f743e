import type { AddressInfo } from 'node:net';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { WebhookScaler } from '../error-recovery/index.js';
import { demoAdapter, createDemoApp, type DemoAdapter } from './demo-adapter.js';
import { demoAdminToken, type DemoAdminToken } from './demo-admin-token.js';
import { DemoModule } from './demo.module.js';

/** A demo app listening on 127.0.0.1, and what to tell its user. */
export interface DemoServer {
  app: INestApplication;
  /** `http://127.0.0.1:<port actually bound>`. */
  url: string;
  adapter: DemoAdapter;
  admin: DemoAdminToken;
}

/** What `npm start` does, from its environment; tests start it the same way. */
export async function startDemoServer(env: NodeJS.ProcessEnv, settings: { dataDir?: string; logger?: false | LogLevel[] } = {}): Promise<DemoServer> {
  const adapter = demoAdapter(env);
  const port = Number(env.PORT ?? 3000);
  const admin = demoAdminToken(env);
  const module = DemoModule.forRoot({
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: settings.dataDir,
    errorRecovery: {
      environment: env.NODE_ENV ?? 'development',
      adminToken: admin.token,
      // resource_scale acts only when AUTO_SCALE_ON_ERROR is on and a scaler is configured.
      targets: env.SCALE_WEBHOOK_URL
        ? { scalers: [new WebhookScaler({ name: 'demo-webhook', url: env.SCALE_WEBHOOK_URL, secret: env.SCALE_WEBHOOK_SECRET ?? '' })] }
        : undefined,
      // Recipients, SMTP and chat channels come from the environment (SMTP_HOST, ERROR_ALERT_RECIPIENTS, …).
      alerts: { baseUrl: env.ALERT_BASE_URL || `http://127.0.0.1:${port}` },
      // Checkpoints are shared through Redis when one is given; without it, memory and the database.
      redis: env.REDIS_URL ? { url: env.REDIS_URL } : undefined,
    },
  });
  const app = await createDemoApp(module, adapter, settings.logger === undefined ? {} : { logger: settings.logger });
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  // PORT=0 lets the system choose: report the port actually bound.
  const bound = (app.getHttpServer().address() as AddressInfo).port;
  return { app, url: `http://127.0.0.1:${bound}`, adapter, admin };
}
