import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FakeKubernetesApi } from '../src/error-recovery/scalers/fake-kubernetes-api.spec-helper.js';
import { ScaleHistory } from '../src/error-recovery/scalers/scale.history.js';
import { WebhookReceiver } from '../src/error-recovery/scalers/webhook-receiver.spec-helper.js';
import { WebhookScaler } from '../src/error-recovery/scalers/webhook.scaler.js';
import { ScalerTargets } from '../src/error-recovery/targets/scaler-targets.js';
import { ScaleFixtureModule, kubernetes } from './fixtures/scale.module.js';
import { actionsOf, flushed, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

const SECRET = 'whsec-e2e-0123456789';
const TOKEN = 'sa-token-e2e';

describe('resource_scale', () => {
  let app: INestApplication;
  let service: string;
  const receiver = new WebhookReceiver(SECRET);
  const api = new FakeKubernetesApi({ namespace: 'shop', deployment: 'orders', token: TOKEN, replicas: 2 });

  beforeAll(async () => {
    await Promise.all([receiver.start(), api.start()]);
    Object.assign(kubernetes, { apiUrl: api.url, token: TOKEN });
    service = uniqueService('scale');
    app = await startApp([
      ScaleFixtureModule.forRoot({
        service,
        environment: 'production',
        database: testDatabase(),
        parameters: { resource_scale: { autoScale: true, resourceType: 'memory', coolDownMs: 60_000 } },
        targets: { scalers: [new WebhookScaler({ name: 'autoscaler', url: receiver.url, secret: SECRET })] },
      }),
    ]);
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([receiver.stop(), api.stop()]);
  });

  it('finds the scaler given in options and the one marked @ScalerTarget()', () => {
    expect(app.get(ScalerTargets).list()).toEqual([
      { name: 'autoscaler', type: 'WebhookScaler' },
      { name: 'orders-deployment', type: 'OrdersDeploymentScaler' },
    ]);
  });

  it('on a MemoryError sends a signed scale_up to the webhook and scales the Deployment 2 → 3', async () => {
    const res = await request(app.getHttpServer()).get('/heavy').expect(500);
    const errorId: string = res.body.error.error_id;
    expect(res.body.error.type).toBe('MemoryError');
    expect(res.body.recovery).toMatchObject({ attempted: true, success: false });

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({
      method: 'POST',
      contentType: 'application/json',
      valid: true,
      body: { event: 'scale_up', resource_type: 'memory', factor: 1.5, max_factor: 3, service, error_id: errorId },
    });
    expect(api.replicas).toBe(3);
    expect(api.requests.map((r) => [r.method, r.authorization])).toEqual([['GET', `Bearer ${TOKEN}`], ['PATCH', `Bearer ${TOKEN}`]]);

    await flushed(app);
    const actions = await actionsOf(errorId);
    expect(actions.slice(0, 3).map((a) => [a.strategy, a.success, a.skipped, a.message])).toEqual([
      ['resource_scale', true, false, 'autoscaler: webhook accepted scale-up ×1.5 (HTTP 202)'],
      ['resource_scale', true, false, 'orders-deployment: scaled deployment shop/orders from 2 to 3 replicas (cap 6)'],
      ['cache_clear', false, true, 'no cache registered'],
    ]);
    expect(actions.at(-1)?.strategy).toBe('queue_priority');
    expect(actions[0].details).toMatchObject({ scaler: 'autoscaler', factor: 1.5, maxFactor: 3, resourceType: 'memory', status: 202 });
    expect(actions[1].details).toMatchObject({ scaler: 'orders-deployment', from: 2, to: 3, cap: 6 });
    expect((await rowsOf(service)).find((r) => r.id === errorId)).toMatchObject({ error_type: 'MemoryError', recovery_success: false });
  });

  it('does not scale again within the cool-down; the history shows both', async () => {
    const res = await request(app.getHttpServer()).get('/heavy').expect(500);
    expect(receiver.received).toHaveLength(1);
    expect(api.replicas).toBe(3);
    await flushed(app);
    const actions = await actionsOf(res.body.error.error_id);
    expect(actions.slice(0, 2).map((a) => [a.skipped, a.message])).toEqual([
      [true, expect.stringMatching(/^autoscaler: cooling down until \d{4}-/)],
      [true, expect.stringMatching(/^orders-deployment: cooling down until \d{4}-/)],
    ]);
    expect(app.get(ScaleHistory).history().map((h) => [h.scaler, h.outcome])).toEqual(
      expect.arrayContaining([['autoscaler', 'skipped'], ['orders-deployment', 'skipped'], ['autoscaler', 'scaled'], ['orders-deployment', 'scaled']]),
    );
  });

  it('another instance of the app (another pod) within the cool-down does not scale the Deployment again', async () => {
    // Its own process state is fresh: only the Deployment's annotations can tell it that the first
    // instance scaled a moment ago, and from which baseline.
    const other = await startApp([
      ScaleFixtureModule.forRoot({
        service,
        environment: 'production',
        database: testDatabase(),
        parameters: { resource_scale: { autoScale: true, resourceType: 'memory', coolDownMs: 60_000 } },
      }),
    ]);
    try {
      const res = await request(other.getHttpServer()).get('/heavy').expect(500);
      expect(api.replicas).toBe(3);
      expect(api.annotations).toMatchObject({ 'nest-error-recovery/baseline-replicas': '2', 'nest-error-recovery/scaled-to': '3' });
      await flushed(other);
      const [step] = await actionsOf(res.body.error.error_id);
      expect([step.strategy, step.skipped, step.message]).toEqual([
        'resource_scale',
        true,
        expect.stringMatching(/^orders-deployment: deployment shop\/orders: cooling down until \d{4}-.* \(scaled at \d{4}-.*, by this or another instance\)$/),
      ]);
    } finally {
      await other.close();
    }
  });
});
