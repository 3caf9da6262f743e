import { closedPort, HttpReceiver, rejectionOf } from './http-receiver.spec-helper.js';
import { MAX_ANSWER_BYTES, postJson } from './http-post.js';

describe('postJson (receiver on loopback)', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await new HttpReceiver().start();
  });
  afterEach(() => receiver.stop());

  it('POSTs the body as JSON with the given headers and returns status and answer', async () => {
    receiver.status = 418;
    receiver.answer = 'short and stout';
    const answer = await postJson(receiver.url('/in'), '{"a":1}', { 'X-Extra': 'yes' }, 2000);
    expect(answer).toEqual({ status: 418, body: 'short and stout' });
    expect(receiver.received).toEqual([
      expect.objectContaining({ method: 'POST', path: '/in', body: '{"a":1}', headers: expect.objectContaining({ 'content-type': 'application/json', 'x-extra': 'yes' }) }),
    ]);
  });

  it(`reads at most ${MAX_ANSWER_BYTES} bytes of the answer`, async () => {
    receiver.answer = 'x'.repeat(MAX_ANSWER_BYTES * 3);
    expect((await postJson(receiver.url(), '{}', {}, 2000)).body).toHaveLength(MAX_ANSWER_BYTES);
  });

  it('does not follow redirects', async () => {
    receiver.status = 307;
    expect((await postJson(receiver.url(), '{}', {}, 2000)).status).toBe(307);
    expect(receiver.received).toHaveLength(1);
  });

  it('rejects with a single line when nothing listens', async () => {
    const port = await closedPort();
    await expect(postJson(`http://127.0.0.1:${port}/hook?token=s3cret`, '{}', {}, 2000)).rejects.toThrow(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('rejects when the answer does not come within timeoutMs', async () => {
    receiver.delayMs = 5000;
    await expect(postJson(receiver.url(), '{}', {}, 100)).rejects.toThrow(/^no answer within 100 ms$/);
  });

  it('keeps the URL beyond its origin out of the message', async () => {
    const error = await rejectionOf(postJson('http://127.0.0.1:notaport/bot123:SECRET/x', '{}', {}, 100));
    expect(error.message).not.toContain('SECRET');
  });
});
