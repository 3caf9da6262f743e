import type { DiscoveryService } from '@nestjs/core';
import { resolveOptions } from '../error-recovery-options.js';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext } from '../execute/recovery-test-context.spec-helper.js';
import type { Clock } from '../resilience/clock.js';
import { FakeKubernetesApi } from '../scalers/fake-kubernetes-api.spec-helper.js';
import { KubernetesScaler } from '../scalers/kubernetes.scaler.js';
import { ScaleHistory } from '../scalers/scale.history.js';
import { WebhookReceiver } from '../scalers/webhook-receiver.spec-helper.js';
import { WebhookScaler } from '../scalers/webhook.scaler.js';
import { ScalerTargets } from '../targets/scaler-targets.js';
import type { RecoveryContext } from './recovery-strategy.interface.js';
import { ResourceScaleStrategy } from './resource-scale.strategy.js';
import type { StrategyParameters } from './strategy-parameters.interface.js';
import type { Scaler } from '../common/recovery-target.interface.js';

const TOKEN = 'sa-token-0123456789';
const SECRET = 'whsec-0123456789';

/** Time moved by hand: the cool-down reads the context's clock. */
const clock = { t: Date.parse('2026-11-22T12:00:00Z'), now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };

function strategy(scalers: Scaler[]): { strategy: ResourceScaleStrategy; history: ScaleHistory } {
  const options = resolveOptions({ service: 'orders', targets: { scalers } }, {});
  const noProviders = { getProviders: () => [] } as unknown as DiscoveryService;
  const targets = new ScalerTargets(noProviders, options);
  targets.onModuleInit();
  const history = new ScaleHistory();
  return { strategy: new ResourceScaleStrategy(targets, history, options), history };
}

function context(params: StrategyParameters['resource_scale'], env: NodeJS.ProcessEnv = {}): RecoveryContext {
  const parameters = resolveOptions({ parameters: { resource_scale: params } }, env).parameters;
  return { ...specContext({ parameters, clock }), budget: new RecoveryBudget(clock, 5000) };
}

const on = { autoScale: true };

describe('ResourceScaleStrategy', () => {
  let api: FakeKubernetesApi;
  let receiver: WebhookReceiver;
  let k8s: KubernetesScaler;
  let webhook: WebhookScaler;
  beforeEach(async () => {
    api = new FakeKubernetesApi({ namespace: 'shop', deployment: 'orders', token: TOKEN, replicas: 2 });
    receiver = new WebhookReceiver(SECRET);
    await Promise.all([api.start(), receiver.start()]);
    k8s = new KubernetesScaler({ name: 'orders-deployment', namespace: 'shop', deployment: 'orders', apiUrl: api.url, token: TOKEN, env: {} });
    webhook = new WebhookScaler({ name: 'autoscaler', url: receiver.url, secret: SECRET });
  });
  afterEach(() => Promise.all([api.stop(), receiver.stop()]));

  it('is off unless autoScale (AUTO_SCALE_ON_ERROR) says otherwise', async () => {
    const { strategy: s } = strategy([k8s]);
    const outcome = await s.execute(context({}));
    expect(outcome).toMatchObject({ resolved: false, steps: [{ skipped: true, success: false, message: 'auto-scaling disabled (AUTO_SCALE_ON_ERROR)' }] });
    expect(api.requests).toEqual([]);
    const fromEnv = await s.execute(context({}, { AUTO_SCALE_ON_ERROR: 'true' }));
    expect(fromEnv.steps[0]).toMatchObject({ success: true });
  });

  it('is skipped when no scaler is registered', async () => {
    expect(await strategy([]).strategy.execute(context(on))).toMatchObject({ steps: [{ skipped: true, message: 'no scaler registered' }] });
  });

  it('scales 2 → 3 with factor 1.5 and calls every scaler, one step each, without resolving the request', async () => {
    const { strategy: s, history } = strategy([k8s, webhook]);
    const outcome = await s.execute(context(on));
    expect(api.replicas).toBe(3);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ valid: true, body: { factor: 1.5, max_factor: 3, service: 'orders', resource_type: 'cpu' } });
    expect(outcome.resolved).toBe(false);
    expect(outcome.steps.map((st) => [st.success, st.skipped, st.message])).toEqual([
      [true, false, 'orders-deployment: scaled deployment shop/orders from 2 to 3 replicas (cap 6)'],
      [true, false, 'autoscaler: webhook accepted scale-up ×1.5 (HTTP 202)'],
    ]);
    expect(outcome.steps[0].details).toMatchObject({ scaler: 'orders-deployment', factor: 1.5, maxFactor: 3, from: 2, to: 3, cap: 6 });
    expect(history.history().map((h) => [h.scaler, h.outcome, h.from, h.to])).toEqual(
      expect.arrayContaining([['orders-deployment', 'scaled', 2, 3], ['autoscaler', 'scaled', null, null]]),
    );
  });

  it('never scales past maxScaleFactor × the baseline', async () => {
    const { strategy: s } = strategy([k8s]);
    const params = { ...on, maxScaleFactor: 2, coolDownMs: 0 };
    await s.execute(context(params));
    await s.execute(context(params));
    expect(api.replicas).toBe(4);
    const atCap = await s.execute(context(params));
    expect(atCap.steps[0]).toMatchObject({ success: false, skipped: true, message: 'orders-deployment: deployment shop/orders: already at the cap of 4 replicas (baseline 2 × 2)' });
    expect(api.replicas).toBe(4);
  });

  it('reports a rejected token as a failure, not a success', async () => {
    const wrong = new KubernetesScaler({ name: 'orders-deployment', namespace: 'shop', deployment: 'orders', apiUrl: api.url, token: 'wrong', env: {} });
    const outcome = await strategy([wrong]).strategy.execute(context(on));
    expect(outcome.steps).toEqual([expect.objectContaining({ success: false, skipped: false, message: 'orders-deployment: reading deployment shop/orders failed: HTTP 401: Unauthorized' })]);
    expect(api.replicas).toBe(2);
  });

  it('scales each scaler at most once per coolDownMs', async () => {
    const { strategy: s } = strategy([k8s]);
    const params = { ...on, coolDownMs: 60_000 };
    await s.execute(context(params));
    clock.t += 30_000;
    const cooling = await s.execute(context(params));
    expect(cooling.steps[0]).toMatchObject({ skipped: true, message: `orders-deployment: cooling down until ${new Date(clock.t + 30_000).toISOString()}` });
    expect(api.replicas).toBe(3);
    clock.t += 30_000;
    await s.execute(context(params));
    expect(api.replicas).toBe(5);
  });

  it('does not start a cool-down after a failure', async () => {
    const { strategy: s } = strategy([webhook]);
    receiver.status = 503;
    expect((await s.execute(context(on))).steps[0]).toMatchObject({ success: false, message: 'autoscaler: webhook answered HTTP 503' });
    receiver.status = 202;
    expect((await s.execute(context(on))).steps[0]).toMatchObject({ success: true });
  });

  it('runs one scale-up per scaler at a time', async () => {
    const { strategy: s } = strategy([k8s]);
    const [a, b] = await Promise.all([s.execute(context(on)), s.execute(context(on))]);
    expect([a.steps[0].success, b.steps[0].message]).toEqual([true, 'orders-deployment: a scale-up is already in progress']);
    expect(api.replicas).toBe(3);
  });

  it('calls only the scalers named in the scalers parameter and reports unknown names', async () => {
    const { strategy: s } = strategy([k8s, webhook]);
    const outcome = await s.execute(context({ ...on, scalers: ['autoscaler', 'nope'] }));
    expect(outcome.steps.map((st) => st.message)).toEqual(['scaler "nope" is not registered', 'autoscaler: webhook accepted scale-up ×1.5 (HTTP 202)']);
    expect(api.requests).toEqual([]);
  });

  it('records a scaler that throws as failed', async () => {
    const throwing: Scaler = { name: 'bad', scaleUp: async () => Promise.reject(new Error('boom')) };
    const outcome = await strategy([throwing]).strategy.execute(context(on));
    expect(outcome.steps[0]).toMatchObject({ success: false, skipped: false, message: 'bad: scaler threw: boom' });
  });
});
