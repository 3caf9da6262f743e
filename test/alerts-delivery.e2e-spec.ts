import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AlertDeliveryWorker } from '../src/error-recovery/alerts/alert-delivery.worker.js';
import { AlertQueue } from '../src/error-recovery/alerts/alert-queue.js';
import { AlertsFixtureModule } from './fixtures/alerts.module.js';
import { flushed, rawQuery, startApp } from './support/app.js';
import { isolatedDatabase, uniqueService } from './support/database.js';
import { SmtpCatcher } from './support/smtp-catcher.js';
import { deliver as deliverAlerts, emptyOutbox, ManualClock } from './support/alerts-harness.js';

/** Time of the apps: tests move it by hand. */
const clock = new ManualClock();
const minutes = (n: number): void => clock.advanceMinutes(n);

const smtp = new SmtpCatcher();
let db: Awaited<ReturnType<typeof isolatedDatabase>>;
let app: INestApplication;
let service: string;

function start(options: { maxEmailsPerMinute?: number; smtpTimeoutMs?: number } = {}): Promise<INestApplication> {
  return startApp([
    AlertsFixtureModule.forRoot({
      service,
      environment: 'test',
      database: db.options,
      clock,
      adminToken: 'secret-token',
      alerts: {
        smtp: { host: '127.0.0.1', port: smtp.port, timeoutMs: options.smtpTimeoutMs ?? 2000 },
        recipients: ['team@example.test'],
        bySeverity: { critical: ['oncall@example.test'], low: [] },
        escalation: { recipients: ['boss@example.test'], repeatThreshold: 5, repeatWindowMinutes: 1, strategyFailureThreshold: 2 },
        maxEmailsPerMinute: options.maxEmailsPerMinute ?? 1000,
        pollIntervalMs: 3_600_000,
        retryBaseMs: 60_000,
        maxAttempts: 3,
        baseUrl: 'https://errors.example.test',
      },
    }),
  ]);
}

const deliver = (target = app): Promise<void> => deliverAlerts(target);

/** This test's deliveries of error alerts (the SMTP check at start-up may add an initialization_failed one). */
const outbox = (): Promise<Record<string, unknown>[]> =>
  rawQuery(`SELECT * FROM ${db.table('alert_outbox')} WHERE alert->>'service' = $1 AND kind <> 'initialization_failed' ORDER BY created_at, id`, [service]);

beforeAll(async () => {
  db = await isolatedDatabase('alerts_delivery');
  await smtp.start();
});

afterAll(async () => {
  await smtp.stop();
});

beforeEach(async () => {
  // The outbox is this file's own (schema or process): start each test with it empty.
  await emptyOutbox(db.table);
  service = uniqueService('alerts');
  smtp.mails.length = 0;
  smtp.mode = 'accept';
  app = await start();
});

afterEach(async () => {
  await app.close();
  if (smtp.port && !smtp.running) await smtp.start();
});

describe('routing by severity', () => {
  it('sends critical to its list plus escalation, medium and high to the defaults, low to nobody', async () => {
    await request(app.getHttpServer()).get('/al/critical').expect(500);
    await request(app.getHttpServer()).get('/al/high').expect(503);
    await request(app.getHttpServer()).get('/al/medium').expect(500);
    await request(app.getHttpServer()).get('/al/low').expect(500);
    await deliver();

    expect(smtp.mails).toHaveLength(3);
    const critical = smtp.withSubject('[CRITICAL]');
    expect(critical).toHaveLength(1);
    expect(critical[0].parsed.subject).toBe(`[CRITICAL][ESCALATED] DatabaseError in ${service}: connection pool exhausted — recovery not attempted`);
    expect(critical[0].envelopeTo.sort()).toEqual(['boss@example.test', 'oncall@example.test']);
    expect(smtp.withSubject('[HIGH]')[0].envelopeTo).toEqual(['team@example.test']);
    expect(smtp.withSubject('[MEDIUM]')[0].envelopeTo).toEqual(['team@example.test']);
    expect(smtp.withSubject('[LOW]')).toHaveLength(0);

    const [row] = (await rawQuery<{ id: string }>(`SELECT id FROM error_logs WHERE service = $1 AND severity = 'critical'`, [service]).catch(() => [])) as { id: string }[];
    const mail = critical[0].parsed;
    expect(mail.text).toContain('DatabaseError');
    expect(mail.html).toContain('connection pool exhausted');
    if (row) expect(mail.text).toContain(`https://errors.example.test/api/errors/${row.id}`);
  });

  it('says in the subject when recovery resolved the error, and does not escalate it', async () => {
    await request(app.getHttpServer()).get('/al/recovered').expect(200);
    await deliver();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0].parsed.subject).toBe(`[HIGH] ConnectionError in ${service}: socket hang up — recovered by retry`);
    expect(smtp.mails[0].envelopeTo).toEqual(['team@example.test']);
    expect(smtp.mails[0].parsed.text).toMatch(/retry: success/);
  });
});

describe('storms', () => {
  it('1000 identical critical errors in a minute: one mail, one repeat escalation, then one digest', async () => {
    const server = app.getHttpServer();
    for (let i = 0; i < 20; i++) {
      await Promise.all(Array.from({ length: 50 }, () => request(server).get('/al/critical?msg=pool%20exhausted').expect(500)));
    }
    await deliver();
    const first = smtp.withSubject('pool exhausted');
    expect(first.filter((m) => !m.parsed.subject!.includes('occurred'))).toHaveLength(1);
    // Escalation (b): the same fingerprint 5 times within a minute.
    const repeated = smtp.withSubject('occurred');
    expect(repeated).toHaveLength(1);
    expect(repeated[0].envelopeTo).toContain('boss@example.test');

    await deliver();
    expect(smtp.withSubject('pool exhausted')).toHaveLength(2);
    minutes(11);
    await deliver();
    const digest = smtp.withSubject('+999 more since 14:02');
    expect(digest).toHaveLength(1);
    expect(smtp.withSubject('pool exhausted')).toHaveLength(3);
    expect((await outbox()).filter((r) => r.channel === 'email')).toHaveLength(3);
  });

  it('a repeat after the window carries the held-back count in its own alert instead of a digest', async () => {
    for (let i = 0; i < 3; i++) await request(app.getHttpServer()).get('/al/medium?msg=carried%20bug').expect(500);
    await deliver();
    expect(smtp.withSubject('carried bug')).toHaveLength(1);
    minutes(11);
    await request(app.getHttpServer()).get('/al/medium?msg=carried%20bug').expect(500);
    await deliver();
    const mails = smtp.withSubject('carried bug');
    expect(mails).toHaveLength(2);
    expect(mails[1].parsed.subject).toBe(`[MEDIUM] TypeError in ${service}: carried bug — recovery not attempted`);
    expect(mails[1].parsed.text).toMatch(/\+2 more since \d\d:\d\d UTC/);
    minutes(11);
    await deliver();
    expect(smtp.withSubject('carried bug')).toHaveLength(2); // nothing left for a digest
  });

  it('folds mails beyond the per-minute cap into one digest', async () => {
    await app.close();
    app = await start({ maxEmailsPerMinute: 3 });
    for (let i = 0; i < 6; i++) await request(app.getHttpServer()).get(`/al/medium?msg=distinct%20bug%20${'x'.repeat(i + 1)}`).expect(500);
    await deliver();
    await deliver();
    expect(smtp.mails).toHaveLength(3);
    const digest = smtp.withSubject('[DIGEST]');
    expect(digest).toHaveLength(1);
    expect(digest[0].parsed.subject).toContain('4 alerts');
    const rows = await outbox();
    // The four held-back alerts are folded. When they are held back over two worker rounds, the first
    // round's digest (never sent) is folded into the second's too: one digest mail either way.
    expect(rows.filter((r) => r.status === 'folded' && r.kind === 'error')).toHaveLength(4);
    expect(rows.filter((r) => r.kind === 'digest' && r.status !== 'folded')).toHaveLength(1);
  });
});

describe('an SMTP server that fails', () => {
  it('refusing (stopped) for a while, then back: every alert delivered exactly once', async () => {
    await smtp.stop();
    for (const m of ['alpha', 'beta', 'gamma']) await request(app.getHttpServer()).get(`/al/medium?msg=${m}%20broke`).expect(500);
    await deliver();
    let rows = await outbox();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 1 && /ECONNREFUSED|connect/i.test(String(r.last_error)))).toBe(true);

    await smtp.start();
    await deliver(); // not due yet: backoff
    expect(smtp.mails).toHaveLength(0);
    minutes(2);
    await deliver();
    await deliver();
    expect(smtp.withSubject('TypeError').map((m) => m.parsed.subject).sort()).toEqual(
      ['alpha', 'beta', 'gamma'].map((m) => `[MEDIUM] TypeError in ${service}: ${m} broke — recovery not attempted`),
    );
    rows = await outbox();
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('answering 421: retried with backoff, then exhausted after maxAttempts with the last error', async () => {
    smtp.mode = 'refuse';
    await request(app.getHttpServer()).get('/al/medium?msg=refused%20mail').expect(500);
    for (let i = 0; i < 3; i++) {
      await deliver();
      minutes(10);
    }
    const [row] = await outbox();
    expect(row.status).toBe('exhausted');
    expect(row.attempts).toBe(3);
    expect(String(row.last_error)).toContain('421');
    const listed = await request(app.getHttpServer()).get('/api/errors/alerts?status=exhausted').set('Authorization', 'Bearer secret-token').expect(200);
    expect(listed.body.items.some((i: { id: string; last_error: string }) => i.id === row.id && i.last_error.includes('421'))).toBe(true);
  });

  it('hanging after the greeting: the round ends in bounded time and the alert is retried', async () => {
    await app.close();
    app = await start({ smtpTimeoutMs: 300 });
    smtp.mode = 'hang';
    await request(app.getHttpServer()).get('/al/medium?msg=hung%20mail').expect(500);
    const started = Date.now();
    await deliver();
    expect(Date.now() - started).toBeLessThan(5000);
    const [row] = await outbox();
    expect(row.status).toBe('pending');
    expect(String(row.last_error)).toMatch(/timeout|timed out|no answer/i);
    smtp.mode = 'accept';
    minutes(2);
    await deliver();
    expect(smtp.withSubject('hung mail')).toHaveLength(1);
  });
});

describe('several instances and crashes', () => {
  it('two app instances on one database never send the same alert twice', async () => {
    const other = await start();
    try {
      for (let i = 0; i < 8; i++) await request(app.getHttpServer()).get(`/al/medium?msg=instance%20bug%20${'y'.repeat(i + 1)}`).expect(500);
      await flushed(app);
      await app.get(AlertQueue).flush(10_000);
      await Promise.all([app.get(AlertDeliveryWorker).tick(), other.get(AlertDeliveryWorker).tick(), app.get(AlertDeliveryWorker).tick()]);
      await Promise.all([app.get(AlertDeliveryWorker).tick(), other.get(AlertDeliveryWorker).tick()]);
      expect(smtp.mails).toHaveLength(8);
      expect(new Set(smtp.mails.map((m) => m.parsed.subject)).size).toBe(8);
    } finally {
      await other.close();
    }
  });

  it('a delivery left in `sending` by a dead worker is reclaimed after its lease; sent ones are not resent', async () => {
    smtp.mode = 'refuse'; // keeps both rows undelivered while the test sets their state
    await request(app.getHttpServer()).get('/al/medium?msg=crashed%20worker').expect(500);
    await request(app.getHttpServer()).get('/al/high?msg=already%20sent').expect(503);
    await flushed(app);
    await app.get(AlertQueue).flush(10_000);
    const rows = await outbox();
    const crashed = rows.find((r) => String((r.alert as { title: string }).title).includes('crashed worker'))!;
    const sent = rows.find((r) => String((r.alert as { title: string }).title).includes('already sent'))!;
    await app.get(AlertDeliveryWorker).tick();
    smtp.mode = 'accept';
    const leaseUntil = new Date(clock.now() + 60_000).toISOString();
    await rawQuery(`UPDATE ${db.table('alert_outbox')} SET status = 'sending', lease_until = $2, claimed_by = 'dead-worker', next_attempt_at = $3 WHERE id = $1`, [crashed.id, leaseUntil, new Date(clock.now()).toISOString()]);
    await rawQuery(`UPDATE ${db.table('alert_outbox')} SET status = 'sent', sent_at = $2 WHERE id = $1`, [sent.id, new Date(clock.now()).toISOString()]);
    await app.get(AlertDeliveryWorker).tick(); // lease not yet expired
    expect(smtp.mails).toHaveLength(0);
    minutes(2);
    await app.get(AlertDeliveryWorker).tick();
    expect(smtp.mails.map((m) => m.parsed.subject)).toEqual([`[MEDIUM] TypeError in ${service}: crashed worker — recovery not attempted`]);
    expect(smtp.mails[0].parsed.messageId).toBe(`<${crashed.id}@nest-error-recovery>`);
  });
});

describe('untrusted text', () => {
  it('arrives escaped in HTML and on one line in the subject', async () => {
    const payload = encodeURIComponent('<script>alert(1)</script>\r\nBcc: evil@attacker.test');
    await request(app.getHttpServer()).get(`/al/medium?msg=${payload}`).expect(500);
    await deliver();
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    expect(mail.envelopeTo).toEqual(['team@example.test']);
    expect(mail.parsed.subject).not.toMatch(/[\r\n]/);
    expect(mail.parsed.bcc).toBeUndefined();
    const headers = mail.raw.slice(0, mail.raw.search(/\r?\n\r?\n/));
    expect(headers).not.toMatch(/^Bcc:/im);
    expect(mail.parsed.html).not.toContain('<script>');
    expect(mail.parsed.html).toContain('&lt;script&gt;');
  });
});
