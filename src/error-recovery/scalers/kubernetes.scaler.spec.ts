import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScaleRequest } from '../common/recovery-target.interface.js';
import { FakeKubernetesApi } from './fake-kubernetes-api.spec-helper.js';
import { resolveConnection } from './kubernetes-config.js';
import { KubernetesScaler } from './kubernetes.scaler.js';
import { planScale } from './scale-plan.js';

const TOKEN = 'sa-token-0123456789';
const request = (factor = 1.5, maxFactor = 3): ScaleRequest => ({ factor, maxFactor, resourceType: 'memory', service: 'orders', errorId: 'e1' });
const T0 = Date.parse('2026-12-03T10:00:00.000Z');

describe('KubernetesScaler (fake API server on loopback)', () => {
  let api: FakeKubernetesApi;
  let dir: string;
  beforeEach(async () => {
    api = new FakeKubernetesApi({ namespace: 'shop', deployment: 'orders', token: TOKEN, replicas: 2 });
    await api.start();
    dir = await mkdtemp(join(tmpdir(), 'sa-')); // an empty service account dir: nothing leaks in from the machine
  });
  afterEach(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const scaler = (token = TOKEN) => new KubernetesScaler({ name: 'orders', namespace: 'shop', deployment: 'orders', apiUrl: api.url, token, serviceAccountDir: dir, env: {} });

  it('reads the Deployment, then PATCHes ceil(replicas × factor) with the baseline and time, on the version it read', async () => {
    const result = await scaler().scaleUp({ ...request(1.5), now: T0 });
    expect(result).toMatchObject({ kind: 'scaled', from: 2, to: 3, message: 'scaled deployment shop/orders from 2 to 3 replicas (cap 6)' });
    expect(api.replicas).toBe(3);
    expect(api.annotations).toEqual({
      'nest-error-recovery/baseline-replicas': '2',
      'nest-error-recovery/scaled-at': new Date(T0).toISOString(),
      'nest-error-recovery/scaled-to': '3',
    });
    expect(api.requests.map((r) => [r.method, r.path, r.authorization, r.contentType ?? null])).toEqual([
      ['GET', api.deploymentPath, `Bearer ${TOKEN}`, null],
      ['PATCH', api.deploymentPath, `Bearer ${TOKEN}`, 'application/merge-patch+json'],
    ]);
    expect(JSON.parse(api.requests[1].body)).toEqual({
      metadata: { resourceVersion: '1', annotations: api.annotations },
      spec: { replicas: 3 },
    });
  });

  it('caps at ceil(baseline × maxFactor) and then reports the cap as skipped', async () => {
    const s = scaler();
    expect(await s.scaleUp(request(1.5, 2))).toMatchObject({ kind: 'scaled', from: 2, to: 3 });
    expect(await s.scaleUp(request(1.5, 2))).toMatchObject({ kind: 'scaled', from: 3, to: 4, details: { cap: 4, baseline: 2 } });
    const patches = api.requests.filter((r) => r.method === 'PATCH').length;
    expect(await s.scaleUp(request(1.5, 2))).toMatchObject({ kind: 'skipped', reason: 'deployment shop/orders: already at the cap of 4 replicas (baseline 2 × 2)' });
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(patches);
    expect(api.replicas).toBe(4);
  });

  it('does not ratchet: a restarted process (a new scaler) keeps the cap of the baseline stored on the Deployment', async () => {
    expect(await scaler().scaleUp(request(1.5, 2))).toMatchObject({ kind: 'scaled', from: 2, to: 3 });
    expect(await scaler().scaleUp(request(1.5, 2))).toMatchObject({ kind: 'scaled', from: 3, to: 4 });
    const restarted = scaler();
    expect(await restarted.scaleUp(request(1.5, 2))).toMatchObject({ kind: 'skipped', reason: 'deployment shop/orders: already at the cap of 4 replicas (baseline 2 × 2)' });
    expect(api.replicas).toBe(4);
  });

  it('a resize by someone else becomes the new baseline', async () => {
    expect(await scaler().scaleUp(request(1.5, 2))).toMatchObject({ kind: 'scaled', from: 2, to: 3 });
    api.resize(10); // an operator chose 10 replicas
    expect(await scaler().scaleUp(request(1.5, 2))).toMatchObject({ kind: 'scaled', from: 10, to: 15, details: { baseline: 10, cap: 20 } });
    expect(api.annotations['nest-error-recovery/baseline-replicas']).toBe('10');
  });

  it('one cool-down across instances: a second instance within it does not scale again', async () => {
    const [a, b] = [scaler(), scaler()];
    expect(await a.scaleUp({ ...request(1.5), coolDownMs: 300_000, now: T0 })).toMatchObject({ kind: 'scaled', from: 2, to: 3 });
    const early = await b.scaleUp({ ...request(1.5), coolDownMs: 300_000, now: T0 + 60_000 });
    expect(early).toMatchObject({
      kind: 'skipped',
      reason: `deployment shop/orders: cooling down until ${new Date(T0 + 300_000).toISOString()} (scaled at ${new Date(T0).toISOString()}, by this or another instance)`,
    });
    expect(api.replicas).toBe(3);
    expect(await b.scaleUp({ ...request(1.5), coolDownMs: 300_000, now: T0 + 300_000 })).toMatchObject({ kind: 'scaled', from: 3, to: 5 });
  });

  it('two instances racing on the same read: one scales, the other sees the conflict, re-reads and keeps the cool-down', async () => {
    api.holdReads(2); // both GETs are answered only once both arrived: both read version 1
    const ask = { ...request(1.5), coolDownMs: 300_000, now: T0 };
    const results = await Promise.all([scaler().scaleUp(ask), scaler().scaleUp(ask)]);
    expect(results.map((r) => r.kind).sort()).toEqual(['scaled', 'skipped']);
    expect(results.find((r) => r.kind === 'skipped')).toMatchObject({ reason: expect.stringContaining('cooling down until') });
    expect(api.replicas).toBe(3);
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'PATCH', 'PATCH', 'GET']);
  });

  it('with no cool-down, the loser of a race re-plans on the new size (sequential, still under the cap)', async () => {
    api.holdReads(2);
    const results = await Promise.all([scaler().scaleUp(request(1.5, 3)), scaler().scaleUp(request(1.5, 3))]);
    expect(results.map((r) => (r.kind === 'scaled' ? `${r.from}→${r.to}` : r.kind)).sort()).toEqual(['2→3', '3→5']);
    expect(api.replicas).toBe(5);
    expect(api.annotations['nest-error-recovery/baseline-replicas']).toBe('2');
  });

  it('reports a rejected token as a failure and changes nothing', async () => {
    const result = await scaler('wrong-token').scaleUp(request());
    expect(result).toEqual({ kind: 'failed', reason: 'reading deployment shop/orders failed: HTTP 401: Unauthorized', details: expect.objectContaining({ status: 401 }) });
    expect(api.replicas).toBe(2);
    expect(api.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('reports an unknown deployment as a failure', async () => {
    const result = await new KubernetesScaler({ name: 'x', namespace: 'shop', deployment: 'nope', apiUrl: api.url, token: TOKEN, serviceAccountDir: dir, env: {} }).scaleUp(request());
    expect(result).toMatchObject({ kind: 'failed', reason: expect.stringContaining('HTTP 404') });
  });

  it('reports an unreachable API as a failure within the timeout', async () => {
    await api.stop();
    const result = await scaler().scaleUp(request());
    expect(result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('is skipped outside a cluster when no apiUrl is given', async () => {
    const result = await new KubernetesScaler({ name: 'x', deployment: 'orders', serviceAccountDir: dir, env: {} }).scaleUp(request());
    expect(result).toEqual({ kind: 'skipped', reason: 'no Kubernetes API: set apiUrl or run in a cluster (KUBERNETES_SERVICE_HOST unset)' });
  });
});

describe('in-cluster configuration', () => {
  it('takes the API from KUBERNETES_SERVICE_* and token, namespace and CA from the service account', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sa-'));
    try {
      await writeFile(join(dir, 'token'), 'tok\n');
      await writeFile(join(dir, 'namespace'), 'shop');
      await writeFile(join(dir, 'ca.crt'), 'PEM');
      const c = await resolveConnection({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '6443' }, serviceAccountDir: dir });
      expect(c).toEqual({ apiUrl: new URL('https://10.0.0.1:6443'), token: 'tok', namespace: 'shop', ca: Buffer.from('PEM') });
      const v6 = await resolveConnection({ env: { KUBERNETES_SERVICE_HOST: 'fd00::1' }, serviceAccountDir: dir });
      expect('apiUrl' in v6 && v6.apiUrl.href).toBe('https://[fd00::1]/');
      await rm(join(dir, 'token'));
      expect(await resolveConnection({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, serviceAccountDir: dir })).toEqual({ problem: 'failed', reason: `no service account token at ${join(dir, 'token')}` });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('planScale', () => {
  it.each<[number, number, number, number, string]>([
    [2, 2, 1.5, 3, 'scale 3 cap 6'],
    [3, 2, 1.5, 2, 'scale 4 cap 4'],
    [4, 2, 1.5, 2, 'skip cap 4'],
    [10, 10, 1.1, 3, 'scale 11 cap 30'], // not 12: 10 × 1.1 is 11.000000000000002
    [1, 1, 1.5, 3, 'scale 2 cap 3'],
    [0, 0, 1.5, 3, 'skip cap 0'],
    [5, 2, 1.5, 2, 'skip cap 4'], // someone scaled past the cap by hand: never scale further
  ])('%i replicas (baseline %i) × %d, max ×%d → %s', (current, first, factor, max, expected) => {
    const plan = planScale(current, first, factor, max);
    expect(plan.kind === 'scale' ? `scale ${plan.to} cap ${plan.cap}` : `skip cap ${plan.cap}`).toBe(expected);
  });
});
