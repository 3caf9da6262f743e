import type { AlertDelivery } from '../alert.interface.js';
import { fullAlert, XSS_SCRIPT } from '../templates/alert-fixtures.spec-helper.js';
import { escapeSlack } from '../templates/alert-slack.js';
import { closedPort, HttpReceiver, rejectionOf } from './http-receiver.spec-helper.js';
import { SlackChannel } from './slack.channel.js';

const delivery = (): AlertDelivery => ({ id: 'd-1', alert: fullAlert({ title: `${XSS_SCRIPT} <!channel>` }), recipients: [], attempt: 1 });

describe('SlackChannel (receiver on loopback)', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await new HttpReceiver().start();
  });
  afterEach(() => receiver.stop());

  const channel = () => new SlackChannel({ webhookUrl: receiver.url('/services/T000/B000/XXXX'), timeoutMs: 2000 });

  it('POSTs the mrkdwn text as JSON to the webhook URL, data escaped', async () => {
    await channel().send(delivery());
    expect(receiver.received[0]).toMatchObject({ method: 'POST', path: '/services/T000/B000/XXXX', headers: expect.objectContaining({ 'content-type': 'application/json' }) });
    const { text } = receiver.json() as { text: string };
    expect(text.split('\n')[0]).toBe(`*[CRITICAL] ${escapeSlack(XSS_SCRIPT)} &lt;!channel&gt;*`);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('<https://ops.example.com/api/errors/e0000000-0000-4000-8000-000000000042|details>');
  });

  it('rejects a non-2xx answer with status and body', async () => {
    receiver.status = 404;
    receiver.answer = 'no_service';
    await expect(channel().send(delivery())).rejects.toThrow('slack answered 404: no_service');
  });

  it('rejects when nothing listens, without the webhook path in the message', async () => {
    const port = await closedPort();
    const error = await rejectionOf(new SlackChannel({ webhookUrl: `http://127.0.0.1:${port}/services/T/B/SECRET`, timeoutMs: 2000 })
      .send(delivery()));
    expect(error.message).toBe(`slack: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
