import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WebhookScaler } from './error-recovery/index.js';
import { DemoModule } from './demo/demo.module.js';

async function bootstrap(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const adminToken = process.env.ERROR_RECOVERY_ADMIN_TOKEN || randomBytes(18).toString('base64url');
  const base = `http://127.0.0.1:${port}`;
  const app = await NestFactory.create(
    DemoModule.forRoot({
      databaseUrl: process.env.DATABASE_URL || undefined,
      errorRecovery: {
        environment: process.env.NODE_ENV ?? 'development',
        adminToken,
        // resource_scale acts only when AUTO_SCALE_ON_ERROR is on and a scaler is configured.
        targets: process.env.SCALE_WEBHOOK_URL
          ? { scalers: [new WebhookScaler({ name: 'demo-webhook', url: process.env.SCALE_WEBHOOK_URL, secret: process.env.SCALE_WEBHOOK_SECRET ?? '' })] }
          : undefined,
        // Recipients, SMTP and chat channels come from the environment (SMTP_HOST, ERROR_ALERT_RECIPIENTS, …).
        alerts: { baseUrl: process.env.ALERT_BASE_URL || base },
      },
    }),
  );
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  const auth = `-H 'Authorization: Bearer ${adminToken}'`;
  new Logger('Demo').log(
    [
      `demo listening on ${base} (${process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PGlite in ./data'})`,
      `  curl ${base}/demo/ok`,
      `  curl ${base}/demo/crash`,
      `  curl -i '${base}/demo/flaky?failures=2&key=a'     # recovered by retry`,
      `  curl -i '${base}/demo/flaky?failures=5&key=b'     # retries exhausted`,
      `  curl -i -X POST '${base}/demo/flaky?failures=1&key=c'  # POST is not replayed`,
      `  curl ${base}/demo/db-error`,
      `  curl -i '${base}/demo/slow?ms=1500'     # beyond its 1 s timeout: timeout_increase`,
      `  curl -i ${base}/demo/quote               # fallback: the route's own`,
      `  curl ${base}/demo/catalog/poison; curl -i ${base}/demo/catalog   # cache_clear`,
      `  curl ${base}/demo/search/disconnect; curl -i ${base}/demo/search # service_restart`,
      `  (README: a section per strategy with more)`,
      `admin token: ${adminToken}`,
      `  curl ${auth} ${base}/api/errors/summary`,
      `  curl ${auth} '${base}/api/errors?limit=5'`,
      `  curl ${auth} -X POST -H 'Content-Type: application/json' -d '{"error_id":"<id>"}' ${base}/api/errors/recovery/trigger`,
      `  curl ${auth} ${base}/api/errors/alerts`,
      process.env.SMTP_HOST
        ? `alerts: e-mail via ${process.env.SMTP_HOST}:${process.env.SMTP_PORT ?? 587} to ${process.env.ERROR_ALERT_RECIPIENTS ?? '(no ERROR_ALERT_RECIPIENTS set)'}`
        : 'alerts: off (see the README: npm run mail-catcher, then SMTP_HOST=127.0.0.1 SMTP_PORT=1025 ERROR_ALERT_RECIPIENTS=you@example.test npm start)',
    ].join('\n'),
  );
}

void bootstrap();
