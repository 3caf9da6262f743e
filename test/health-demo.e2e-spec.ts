import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { HealthReport } from '../src/error-recovery/index.js';
import { ADMIN_TOKEN, startDemo } from './support/demo-app.js';
import { eventually } from './support/polling.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('demo: health endpoints and health-driven recovery of the inventory breaker', () => {
  let app: INestApplication;

  beforeAll(async () => {
    ({ app } = await startDemo('health-demo'));
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (path: string) => request(app.getHttpServer()).get(path);
  const report = async (): Promise<HealthReport> => (await get('/api/errors/health?refresh=true').set(auth).expect(200)).body as HealthReport;

  it('the probes answer and the report covers the store, the demo database and the inventory check', async () => {
    await get('/health/live').expect(200, { status: 'ok' });
    const body = await eventually(report, (r) => r.status === 'healthy');
    expect(Object.keys(body.services).sort()).toEqual(['database', 'error_store', 'inventory']);
    expect(body.services.inventory).toMatchObject({ status: 'healthy', breaker: 'inventory' });
    await get('/health/ready').expect(200, { status: 'ready' });
  });

  it('an outage opens the breaker; the passing check half-opens it; the next call closes it', async () => {
    await request(app.getHttpServer()).post('/demo/health/outage?calls=2').expect(200, { failing_calls: 2 });
    await get('/demo/health/stock').expect(503);
    await get('/demo/health/stock').expect(503);
    // Open: refused without calling the inventory (the outage's calls are used up).
    await get('/demo/health/stock').expect(503);
    const healed = await report();
    expect(healed.services.inventory.status).toBe('degraded');
    expect(healed.circuit_breakers.inventory.state).toBe('half_open');
    await get('/demo/health/stock').expect(200, { sku: 'sku-1', in_stock: 7 });
    expect((await report()).status).toBe('healthy');
    // A non-critical dependency never makes the app unready.
    await get('/health/ready').expect(200);
  });
});
