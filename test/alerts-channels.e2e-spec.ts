import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { HttpReceiver, type ReceivedRequest } from '../src/error-recovery/alerts/channels/http-receiver.spec-helper.js';
import { verifyWebhookSignature } from '../src/error-recovery/index.js';
import { AlertDeliveryWorker } from '../src/error-recovery/alerts/alert-delivery.worker.js';
import { AlertsFixtureModule } from './fixtures/alerts.module.js';
import { rawQuery, startApp } from './support/app.js';
import { isolatedDatabase, uniqueService } from './support/database.js';
import { SmtpCatcher } from './support/smtp-catcher.js';
import { deliver as deliverAlerts, emptyOutbox, ManualClock } from './support/alerts-harness.js';

/** Time of the apps: tests move it by hand. */
const clock = new ManualClock();
const minutes = (n: number): void => clock.advanceMinutes(n);

const SECRET = 'whsec-test-0123456789';
const BOT_TOKEN = '123:abc';
const smtp = new SmtpCatcher();
const webhook = new HttpReceiver();
const slack = new HttpReceiver();
const telegram = new HttpReceiver();
let db: Awaited<ReturnType<typeof isolatedDatabase>>;
let app: INestApplication;
let service: string;

function start(): Promise<INestApplication> {
  return startApp([
    AlertsFixtureModule.forRoot({
      service,
      environment: 'test',
      database: db.options,
      clock,
      adminToken: 'secret-token',
      alerts: {
        smtp: { host: '127.0.0.1', port: smtp.port, timeoutMs: 2000 },
        webhook: { url: webhook.url('/hooks/alerts'), secret: SECRET, timeoutMs: 2000 },
        slack: { webhookUrl: slack.url('/services/T000/B000/XXXX'), timeoutMs: 2000 },
        telegram: { botToken: BOT_TOKEN, chatId: '-100200300', baseUrl: telegram.url(''), timeoutMs: 2000 },
        recipients: ['team@example.test'],
        escalation: { recipients: ['boss@example.test'], repeatThreshold: 50 },
        dedupWindowMinutes: 10,
        pollIntervalMs: 3_600_000,
        retryBaseMs: 60_000,
        maxAttempts: 5,
        baseUrl: 'https://errors.example.test',
      },
    }),
  ]);
}

const deliver = (target = app): Promise<void> => deliverAlerts(target);

const json = (r: ReceivedRequest): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
/** What the webhook received about errors (not the start-up checks). */
const errorPosts = (): Record<string, unknown>[] => webhook.received.map(json).filter((b) => b.kind === 'error');
const outbox = (): Promise<Record<string, unknown>[]> =>
  rawQuery(`SELECT * FROM ${db.table('alert_outbox')} WHERE alert->>'service' = $1 AND kind = 'error' ORDER BY channel`, [service]);

beforeAll(async () => {
  db = await isolatedDatabase('alerts_channels');
  await Promise.all([smtp.start(), webhook.start(), slack.start(), telegram.start()]);
  telegram.answer = '{"ok":true,"result":{}}';
  telegram.contentType = 'application/json';
});

afterAll(async () => {
  await Promise.all([smtp.stop(), webhook.stop(), slack.stop(), telegram.stop()]);
});

beforeEach(async () => {
  await emptyOutbox(db.table);
  service = uniqueService('channels');
  smtp.mails.length = 0;
  for (const r of [webhook, slack, telegram]) r.received.length = 0;
  slack.status = 200;
  app = await start();
});

afterEach(async () => {
  await app.close();
});

describe('webhook', () => {
  it('POSTs the alert as JSON, signed over what arrived', async () => {
    await request(app.getHttpServer()).get('/al/medium?msg=cart%20total%20undefined').expect(500);
    await deliver();

    expect(webhook.received).toHaveLength(1);
    const [post] = webhook.received;
    // Checked as a receiver would, against its own clock: the channel stamps wall-clock time.
    const receivedAt = Math.floor(Date.now() / 1000);
    expect(post.method).toBe('POST');
    expect(post.path).toBe('/hooks/alerts');
    expect(post.headers['content-type']).toMatch(/^application\/json/);
    const timestamp = post.headers['x-alert-timestamp'] as string;
    const signature = post.headers['x-alert-signature'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, { timestamp, signature, body: post.body }, receivedAt)).toBe(true);
    const tampered = post.body.replace('cart total', 'cart totaL');
    expect(tampered).not.toBe(post.body);
    expect(verifyWebhookSignature(SECRET, { timestamp, signature, body: tampered }, receivedAt)).toBe(false);
    expect(verifyWebhookSignature('another-secret', { timestamp, signature, body: post.body }, receivedAt)).toBe(false);

    const [row] = (await outbox()).filter((r) => r.channel === 'webhook');
    expect(post.headers['x-alert-id']).toBe(row.id);
    const [logged] = await rawQuery<{ id: string }>(`SELECT id FROM ${db.table('error_logs')} WHERE service = $1`, [service]);
    expect(json(post)).toMatchObject({
      id: row.id,
      kind: 'error',
      severity: 'medium',
      escalation: null,
      subject: `[MEDIUM] TypeError in ${service}: cart total undefined — recovery not attempted`,
      service,
      environment: 'test',
      error: { id: logged.id, type: 'TypeError', message: 'cart total undefined', http_status: 500, method: 'GET', detail_url: `https://errors.example.test/api/errors/${logged.id}` },
      recovery: { attempted: false, success: false },
    });
  });
});

describe('slack and telegram', () => {
  it('carry one error, with untrusted text escaped and the subject on its first line', async () => {
    const msg = encodeURIComponent('<script>alert(1)</script>\r\n<!channel> second line');
    await request(app.getHttpServer()).get(`/al/medium?msg=${msg}`).expect(500);
    await deliver();
    const subject = `[MEDIUM] TypeError in ${service}: &lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; second line — recovery not attempted`;

    expect(slack.received).toHaveLength(1);
    expect(slack.received[0].method).toBe('POST');
    expect(slack.received[0].path).toBe('/services/T000/B000/XXXX');
    const slackBody = json(slack.received[0]);
    expect(Object.keys(slackBody)).toEqual(['text']);
    const slackText = slackBody.text as string;
    expect(slackText.split('\n')[0]).toBe(`*${subject}*`);
    expect(slackText).toContain('> &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(slackText).not.toMatch(/<script>|<!channel>|\r/);

    expect(telegram.received).toHaveLength(1);
    expect(telegram.received[0].path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    const tg = json(telegram.received[0]);
    expect(tg).toMatchObject({ chat_id: '-100200300', parse_mode: 'HTML' });
    const tgText = tg.text as string;
    expect(tgText.split('\n')[0]).toBe(`<b>${subject}</b>`);
    expect(tgText).toContain('<code>&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(tgText).not.toMatch(/<script>|<!channel>|\r/);
    // Only the template's own tags: the data's `<` all arrive as &lt;.
    const tags = new Set(tgText.match(/<\/?[a-z]+/g));
    expect([...tags].filter((t) => !['<b', '</b', '<code', '</code', '<i', '</i', '<a', '</a'].includes(t))).toEqual([]);
  });
});

describe('a channel that fails', () => {
  it('does not hold the others back, and is delivered once after it recovers', async () => {
    slack.status = 500;
    slack.answer = 'internal_error';
    await request(app.getHttpServer()).get('/al/medium?msg=slack%20is%20down').expect(500);
    await deliver();

    expect(smtp.withSubject('slack is down')).toHaveLength(1);
    expect(errorPosts()).toHaveLength(1);
    expect(telegram.received).toHaveLength(1);
    expect(slack.received).toHaveLength(1);
    let rows = await outbox();
    expect(rows.map((r) => [r.channel, r.status])).toEqual([
      ['email', 'sent'],
      ['slack', 'pending'],
      ['telegram', 'sent'],
      ['webhook', 'sent'],
    ]);
    const failed = rows.find((r) => r.channel === 'slack')!;
    expect(failed.attempts).toBe(1);
    expect(String(failed.last_error)).toContain('500');

    slack.status = 200;
    slack.answer = 'ok';
    await deliver(); // not due yet: backoff of retryBaseMs
    expect(slack.received).toHaveLength(1);
    minutes(2);
    await deliver();
    await deliver();
    expect(slack.received).toHaveLength(2);
    expect(slack.received[1].body).toBe(slack.received[0].body);
    rows = await outbox();
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(smtp.withSubject('slack is down')).toHaveLength(1);
    expect(errorPosts()).toHaveLength(1);
    expect(telegram.received).toHaveLength(1);
  });
});

describe('deduplication window', () => {
  it('sends the same error once per window, then a digest of what it held back', async () => {
    const firstAt = clock.now();
    await request(app.getHttpServer()).get('/al/medium?msg=stale%20price').expect(500);
    await deliver();
    minutes(1);
    const secondAt = clock.now();
    await request(app.getHttpServer()).get('/al/medium?msg=stale%20price').expect(500);
    await deliver();
    expect(errorPosts()).toHaveLength(1);
    expect(errorPosts()[0]).not.toHaveProperty('digest_of');

    minutes(8); // 9 minutes after the window started: not over yet
    await app.get(AlertDeliveryWorker).tick();
    expect(errorPosts()).toHaveLength(1);

    minutes(1);
    await app.get(AlertDeliveryWorker).tick();
    const posts = errorPosts();
    expect(posts).toHaveLength(2);
    expect(posts[1]).toMatchObject({
      kind: 'error',
      digest_of: { count: 1, since: new Date(secondAt).toISOString(), until: new Date(firstAt + 10 * 60_000).toISOString() },
      subject: `[MEDIUM] +1 more since ${new Date(secondAt).toISOString().slice(11, 16)} UTC: TypeError in ${service}: stale price — recovery not attempted`,
    });
    expect(smtp.withSubject('stale price')).toHaveLength(2);

    await app.get(AlertDeliveryWorker).tick(); // the digest is not sent twice
    expect(errorPosts()).toHaveLength(2);
  });
});
