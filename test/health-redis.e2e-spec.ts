import { createServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { HealthReport } from '../src/error-recovery/index.js';
import { HealthAppModule } from './fixtures/health.module.js';
import { startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';
import { eventually } from './support/polling.js';

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('health: the redis check when the module option `redis` is set', () => {
  const apps: INestApplication[] = [];
  const start = async (url: string): Promise<INestApplication> => {
    const app = await startApp([
      HealthAppModule.forRoot({
        service: uniqueService('health-redis'),
        environment: 'production',
        adminToken: 't',
        database: testDatabase(),
        redis: { url, keyPrefix: `health-redis-${process.pid}:` },
        health: { intervalMs: 0, maxAgeMs: 0 },
      }),
    ]);
    apps.push(app);
    return app;
  };
  const report = async (app: INestApplication) =>
    (await request(app.getHttpServer()).get('/api/errors/health?refresh=true').set({ Authorization: 'Bearer t' }).expect(200)).body as HealthReport;
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('a Redis that answers is a healthy, non-critical service', async () => {
    const app = await start('redis://127.0.0.1:6379');
    const body = await eventually(() => report(app), (r) => r.services.redis?.status === 'healthy');
    expect(body.services.redis).toMatchObject({ status: 'healthy', critical: false });
  });

  it('a Redis that is down degrades the app (never unready) and the report says so', async () => {
    const app = await start(`redis://127.0.0.1:${await closedPort()}`);
    const body = await eventually(() => report(app), (r) => r.services.redis !== undefined && r.services.error_store?.status === 'healthy');
    expect(body.services.redis.status).not.toBe('healthy');
    expect(body.status).toBe('degraded');
    await request(app.getHttpServer()).get('/health/ready').expect(200);
  });
});
