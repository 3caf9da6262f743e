import type { ScaleRequest } from '../common/recovery-target.interface.js';
import { WebhookReceiver } from './webhook-receiver.spec-helper.js';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';
import { WebhookScaler } from './webhook.scaler.js';

const SECRET = 'whsec-0123456789';
const request: ScaleRequest = { factor: 1.5, maxFactor: 3, resourceType: 'memory', service: 'orders', errorId: '6f1c0000-0000-4000-8000-000000000001' };

describe('WebhookScaler (receiver on loopback)', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = new WebhookReceiver(SECRET);
    await receiver.start();
  });
  afterEach(() => receiver.stop());

  it('POSTs a signed scale_up event and reports the 2xx status', async () => {
    const now = Date.now();
    const result = await new WebhookScaler({ name: 'autoscaler', url: receiver.url, secret: SECRET, now: () => now }).scaleUp(request);
    expect(result).toMatchObject({ kind: 'scaled', message: 'webhook accepted scale-up ×1.5 (HTTP 202)', details: { status: 202 } });
    expect(receiver.received).toEqual([
      {
        method: 'POST',
        contentType: 'application/json',
        timestamp: String(Math.floor(now / 1000)),
        signature: expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
        valid: true,
        body: { event: 'scale_up', resource_type: 'memory', factor: 1.5, max_factor: 3, service: 'orders', error_id: request.errorId, timestamp: new Date(now).toISOString() },
      },
    ]);
  });

  it('sends its own resourceType when configured with one', async () => {
    await new WebhookScaler({ name: 'a', url: receiver.url, secret: SECRET, resourceType: 'gpu' }).scaleUp(request);
    expect(receiver.received[0].body.resource_type).toBe('gpu');
  });

  it('reports a non-2xx answer as a failure with the status (a wrong secret gets 401)', async () => {
    const result = await new WebhookScaler({ name: 'a', url: receiver.url, secret: 'wrong' }).scaleUp(request);
    expect(result).toEqual({ kind: 'failed', reason: 'webhook answered HTTP 401', details: expect.objectContaining({ status: 401 }) });
    receiver.status = 500;
    expect(await new WebhookScaler({ name: 'a', url: receiver.url, secret: SECRET }).scaleUp(request)).toMatchObject({ kind: 'failed', reason: 'webhook answered HTTP 500' });
  });

  it('does not follow a redirect to another host (a 307 would re-send the signed call there)', async () => {
    const { default: http } = await import('node:http');
    const redirector = http.createServer((_req, res) => {
      res.writeHead(307, { location: receiver.url });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const port = (redirector.address() as import('node:net').AddressInfo).port;
      const result = await new WebhookScaler({ name: 'a', url: `http://127.0.0.1:${port}/hooks/scale`, secret: SECRET }).scaleUp(request);
      expect(result).toMatchObject({ kind: 'failed', reason: 'webhook answered HTTP 307' });
      expect(receiver.received).toEqual([]);
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('gives up after timeoutMs', async () => {
    receiver.delayMs = 2000;
    const result = await new WebhookScaler({ name: 'a', url: receiver.url, secret: SECRET, timeoutMs: 50 }).scaleUp(request);
    expect(result).toMatchObject({ kind: 'failed', reason: 'webhook did not answer within 50 ms' });
  });

  it('keeps query strings (tokens) out of the reported details', async () => {
    const result = await new WebhookScaler({ name: 'a', url: `${receiver.url}?key=s3cret`, secret: SECRET }).scaleUp(request);
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });
});

describe('webhook signature', () => {
  it('verifies a fresh, untampered request and rejects the rest', () => {
    const body = '{"event":"scale_up"}';
    const signature = signWebhook(SECRET, '1700000000', body);
    expect(verifyWebhookSignature(SECRET, { timestamp: '1700000000', signature, body }, 1700000100)).toBe(true);
    expect(verifyWebhookSignature(SECRET, { timestamp: '1700000000', signature, body: `${body} ` }, 1700000100)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { timestamp: '1700000000', signature, body }, 1700001000)).toBe(false);
    expect(verifyWebhookSignature('other', { timestamp: '1700000000', signature, body }, 1700000100)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { timestamp: undefined, signature, body }, 1700000100)).toBe(false);
  });
});
