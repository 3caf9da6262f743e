import type { AlertDelivery } from '../alert.interface.js';
import { fullAlert, XSS_IMG } from '../templates/alert-fixtures.spec-helper.js';
import { escapeHtml } from '../templates/escape.js';
import { closedPort, HttpReceiver, rejectionOf } from './http-receiver.spec-helper.js';
import { TelegramChannel } from './telegram.channel.js';

const TOKEN = '123456:AAE-secret_token';
const delivery = (): AlertDelivery => ({ id: 'd-1', alert: fullAlert({ title: XSS_IMG }), recipients: [], attempt: 1 });

describe('TelegramChannel (Bot API fake on loopback)', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await new HttpReceiver().start();
    receiver.contentType = 'application/json';
    receiver.answer = JSON.stringify({ ok: true, result: { message_id: 1 } });
  });
  afterEach(() => receiver.stop());

  const channel = (baseUrl = receiver.url('')) => new TelegramChannel({ botToken: TOKEN, chatId: '-100200300', baseUrl, timeoutMs: 2000 });

  it('calls sendMessage of the bot with HTML text and no link preview', async () => {
    await channel().send(delivery());
    expect(receiver.received[0]).toMatchObject({ method: 'POST', path: `/bot${TOKEN}/sendMessage` });
    const payload = receiver.json();
    expect(payload).toMatchObject({ chat_id: '-100200300', parse_mode: 'HTML', disable_web_page_preview: true });
    expect(String(payload.text).split('\n')[0]).toBe(`<b>[CRITICAL] ${escapeHtml(XSS_IMG)}</b>`);
    expect(payload.text).not.toContain('<img');
  });

  it.each([
    ['ok:false on 400', 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }, 'telegram answered 400: Bad Request: chat not found'],
    ['ok:false on 200', 200, { ok: false, description: `Unauthorized for bot${TOKEN}` }, 'telegram answered 200: Unauthorized for bot<bot-token>'],
    ['a rate limit', 429, { ok: false, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }, 'telegram answered 429: Too Many Requests: retry after 7 (retry after 7 s)'],
  ])('rejects %s with the description, never the token', async (_name, status, answer, message) => {
    receiver.status = status;
    receiver.answer = JSON.stringify(answer);
    const error = await rejectionOf(channel().send(delivery()));
    expect(error.message).toBe(message);
    expect(error.message).not.toContain(TOKEN);
  });

  it('rejects a 2xx answer that is not a Bot API answer', async () => {
    receiver.answer = '<html>proxy</html>';
    await expect(channel().send(delivery())).rejects.toThrow('telegram answered 200: <html>proxy</html>');
  });

  it('rejects when the API is unreachable, without the token', async () => {
    const port = await closedPort();
    const error = await rejectionOf(channel(`http://127.0.0.1:${port}`).send(delivery()));
    expect(error.message).toBe(`telegram: connect ECONNREFUSED 127.0.0.1:${port}`);
    const malformed = await rejectionOf(channel(`http://127.0.0.1:99999`).send(delivery()));
    expect(malformed).toBeInstanceOf(Error);
    expect(malformed.message).not.toContain(TOKEN);
    expect(malformed.message).not.toContain('secret_token');
    expect(String(malformed.cause)).not.toContain('secret_token');
  });
});
