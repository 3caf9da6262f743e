import { verifyWebhookSignature } from '../../scalers/webhook-signature.js';
import type { AlertDelivery } from '../alert.interface.js';
import { alertJson } from '../templates/alert-json.js';
import { fullAlert, XSS_SCRIPT } from '../templates/alert-fixtures.spec-helper.js';
import { closedPort, HttpReceiver, rejectionOf } from './http-receiver.spec-helper.js';
import { WebhookChannel } from './webhook.channel.js';

const SECRET = 'whsec-alerts-0123';
const NOW = Date.UTC(2024, 4, 1, 14, 3, 0);
const delivery = (): AlertDelivery => ({ id: 'd-0001', alert: fullAlert({ title: XSS_SCRIPT }), recipients: [], attempt: 1 });

describe('WebhookChannel (receiver on loopback)', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await new HttpReceiver().start();
  });
  afterEach(() => receiver.stop());

  const channel = (secret: string | undefined) => new WebhookChannel({ url: receiver.url('/hooks/alerts'), secret, timeoutMs: 2000 }, () => NOW);

  it('POSTs the signed alert document', async () => {
    await channel(SECRET).send(delivery());
    const [request] = receiver.received;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/alerts' });
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'nest-error-recovery',
      'x-alert-id': 'd-0001',
      'x-alert-timestamp': String(NOW / 1000),
    });
    const signed = { timestamp: request.headers['x-alert-timestamp'] as string, signature: request.headers['x-alert-signature'] as string };
    expect(verifyWebhookSignature(SECRET, { ...signed, body: request.body }, NOW / 1000)).toBe(true);
    expect(verifyWebhookSignature(SECRET, { ...signed, body: request.body.replace('orders', 'orderz') }, NOW / 1000)).toBe(false);
    expect(verifyWebhookSignature('other-secret', { ...signed, body: request.body }, NOW / 1000)).toBe(false);
    expect(receiver.json()).toEqual(JSON.parse(JSON.stringify(alertJson(delivery().alert, 'd-0001'))));
    expect(receiver.json()).toMatchObject({ id: 'd-0001', alert_id: delivery().alert.id, title: XSS_SCRIPT, error: { http_status: 503 } });
  });

  it('sends no signature without a secret', async () => {
    await channel(undefined).send(delivery());
    expect(receiver.received[0].headers['x-alert-signature']).toBeUndefined();
  });

  it.each([
    [500, 'internal error', 'webhook answered 500: internal error'],
    [401, 'bad\r\nsignature', 'webhook answered 401: bad signature'],
    [302, '', 'webhook answered 302: '],
  ])('rejects a %i answer', async (status, answer, message) => {
    receiver.status = status;
    receiver.answer = answer;
    await expect(channel(SECRET).send(delivery())).rejects.toThrow(message);
  });

  it('quotes at most 200 characters of the answer', async () => {
    receiver.status = 400;
    receiver.answer = 'e'.repeat(5000);
    const error = await rejectionOf(channel(SECRET).send(delivery()));
    expect(error.message).toBe(`webhook answered 400: ${'e'.repeat(199)}…`);
  });

  it('rejects when nothing listens', async () => {
    const port = await closedPort();
    const unreachable = new WebhookChannel({ url: `http://127.0.0.1:${port}/x`, secret: SECRET, timeoutMs: 2000 });
    await expect(unreachable.send(delivery())).rejects.toThrow(`webhook: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
