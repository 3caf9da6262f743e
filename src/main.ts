import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WebhookScaler } from './error-recovery/index.js';
import { demoAdminToken } from './demo/demo-admin-token.js';
import { demoBanner } from './demo/demo-banner.js';
import { DemoModule } from './demo/demo.module.js';

async function bootstrap(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const admin = demoAdminToken(process.env);
  const app = await NestFactory.create(
    DemoModule.forRoot({
      databaseUrl: process.env.DATABASE_URL || undefined,
      errorRecovery: {
        environment: process.env.NODE_ENV ?? 'development',
        adminToken: admin.token,
        // resource_scale acts only when AUTO_SCALE_ON_ERROR is on and a scaler is configured.
        targets: process.env.SCALE_WEBHOOK_URL
          ? { scalers: [new WebhookScaler({ name: 'demo-webhook', url: process.env.SCALE_WEBHOOK_URL, secret: process.env.SCALE_WEBHOOK_SECRET ?? '' })] }
          : undefined,
        // Recipients, SMTP and chat channels come from the environment (SMTP_HOST, ERROR_ALERT_RECIPIENTS, …).
        alerts: { baseUrl: process.env.ALERT_BASE_URL || `http://127.0.0.1:${port}` },
      },
    }),
  );
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  // PORT=0 lets the system choose: print the port actually bound.
  const bound = (app.getHttpServer().address() as AddressInfo).port;
  new Logger('Demo').log(demoBanner(`http://127.0.0.1:${bound}`, admin, process.env));
}

void bootstrap();
