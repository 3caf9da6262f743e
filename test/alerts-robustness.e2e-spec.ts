import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { type AlertChannel, type AlertDelivery, type AlertsOptions } from '../src/error-recovery/index.js';
import { AlertDeliveryWorker } from '../src/error-recovery/alerts/alert-delivery.worker.js';
import { AlertQueue } from '../src/error-recovery/alerts/alert-queue.js';
import { CircuitBreakerRegistry } from '../src/error-recovery/state/circuit-breaker.registry.js';
import { AlertsFixtureModule } from './fixtures/alerts.module.js';
import { deliver, emptyOutbox, ManualClock } from './support/alerts-harness.js';
import { flushed, rawQuery, startApp } from './support/app.js';
import { isolatedDatabase, uniqueService, usingPostgres } from './support/database.js';
import { eventually } from './support/polling.js';
import { SmtpCatcher } from './support/smtp-catcher.js';

/** An app's own channel that answers after `delayMs` of real time, counting what it got. */
class SlowChannel implements AlertChannel {
  readonly name = 'pager';
  readonly received: AlertDelivery[] = [];
  started!: Promise<void>;
  private onStart: () => void = () => undefined;

  constructor(private readonly delayMs: number) {
    this.expect();
  }

  /** Resets `started`, which resolves when the next send begins. */
  expect(): void {
    this.started = new Promise((resolve) => (this.onStart = resolve));
  }

  async send(delivery: AlertDelivery): Promise<void> {
    this.onStart();
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.received.push(delivery);
  }
}

const clock = new ManualClock();
const smtp = new SmtpCatcher();
let db: Awaited<ReturnType<typeof isolatedDatabase>>;
let service: string;
const apps: INestApplication[] = [];

async function start(alerts: AlertsOptions = {}): Promise<INestApplication> {
  const app = await startApp([
    AlertsFixtureModule.forRoot({
      service,
      environment: 'test',
      database: db.options,
      clock,
      alerts: {
        smtp: { host: '127.0.0.1', port: smtp.port, timeoutMs: 2000 },
        recipients: ['team@example.test'],
        bySeverity: { critical: ['oncall@example.test'] },
        pollIntervalMs: 3_600_000,
        retryBaseMs: 60_000,
        ...alerts,
      },
    }),
  ]);
  apps.push(app);
  return app;
}

const outbox = (): Promise<Record<string, unknown>[]> =>
  rawQuery(`SELECT * FROM ${db.table('alert_outbox')} WHERE alert->>'service' = $1 AND kind <> 'initialization_failed' ORDER BY created_at, id`, [service]);

beforeAll(async () => {
  db = await isolatedDatabase('alerts_robustness');
  await smtp.start();
});

afterAll(async () => {
  await smtp.stop();
});

beforeEach(async () => {
  await emptyOutbox(db.table);
  service = uniqueService('robust');
  smtp.mails.length = 0;
  smtp.mode = 'accept';
  clock.advanceMinutes(60);
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

it('an error message with a NUL or a lone surrogate is stored and alerted, and blocks nothing behind it', async () => {
  const app = await start();
  await request(app.getHttpServer()).get('/al/medium?msg=bad%00input').expect(500);
  await request(app.getHttpServer()).post('/al/echo').set('Content-Type', 'application/json').send('{"msg":"half \\ud800 pair"}').expect(500);
  await request(app.getHttpServer()).get('/al/medium?msg=an%20ordinary%20bug').expect(500);
  await deliver(app);
  // Subjects are single lines (the NUL became a space there); the stored text keeps a U+FFFD.
  expect(smtp.mails.map((m) => m.parsed.subject).sort()).toEqual(
    ['an ordinary bug', 'bad input', 'half \ufffd pair'].map((m) => `[MEDIUM] TypeError in ${service}: ${m} — recovery not attempted`).sort(),
  );
  expect((await rawQuery<{ message: string }>(`SELECT message FROM ${db.table('error_logs')} WHERE service = $1`, [service])).map((r) => r.message).sort()).toEqual(['an ordinary bug', 'bad\ufffdinput', 'half \ufffd pair']);
  expect(app.get(AlertQueue).stats()).toMatchObject({ rejected: 0, failedFlushes: 0 });
});

it('rows a dead worker left in `sending` hold no e-mail slot once their lease ran out, and are sent', async () => {
  const app = await start({ maxEmailsPerMinute: 2 });
  smtp.mode = 'refuse';
  for (const m of ['one', 'two']) await request(app.getHttpServer()).get(`/al/medium?msg=stuck%20${m}`).expect(500);
  await deliver(app);
  // What a worker killed mid-send leaves behind: claimed, lease expired.
  await rawQuery(`UPDATE ${db.table('alert_outbox')} SET status = 'sending', claimed_by = 'dead', lease_until = $1 WHERE alert->>'service' = $2`, [
    new Date(clock.now() - 1000).toISOString(),
    service,
  ]);
  smtp.mode = 'accept';
  clock.advanceMinutes(5);
  await deliver(app);
  expect(smtp.withSubject('stuck').map((m) => m.parsed.subject).sort()).toEqual(
    ['one', 'two'].map((m) => `[MEDIUM] TypeError in ${service}: stuck ${m} — recovery not attempted`),
  );
  expect((await outbox()).map((r) => r.status)).toEqual(['sent', 'sent']);
});

it('with less room under the cap than groups of recipients, sends the worst, defers the rest, folds nothing', async () => {
  const app = await start({ maxEmailsPerMinute: 2 });
  await request(app.getHttpServer()).get('/al/medium?msg=first%20of%20the%20minute').expect(500);
  await deliver(app);
  expect(smtp.mails).toHaveLength(1);
  await request(app.getHttpServer()).get('/al/medium?msg=team%20bug').expect(500);
  await request(app.getHttpServer()).get('/al/critical?msg=oncall%20bug').expect(500);
  await deliver(app);
  await deliver(app);
  expect(smtp.mails.map((m) => m.parsed.subject)).toEqual([
    `[MEDIUM] TypeError in ${service}: first of the minute — recovery not attempted`,
    `[CRITICAL][ESCALATED] DatabaseError in ${service}: oncall bug — recovery not attempted`,
  ]);
  const rows = await outbox();
  expect(rows.filter((r) => r.status === 'folded')).toHaveLength(0);
  const deferred = rows.find((r) => String((r.alert as { title: string }).title).includes('team bug'))!;
  expect(deferred).toMatchObject({ status: 'pending', attempts: 0, last_error: null });
  clock.advanceMinutes(1);
  await deliver(app);
  expect(smtp.withSubject('team bug')).toHaveLength(1);
});

it('two instances share the per-minute cap: mails still being sent by one hold their slots for the other', async () => {
  const [a, b] = [await start({ maxEmailsPerMinute: 3 }), await start({ maxEmailsPerMinute: 3 })];
  smtp.delayMs = 400; // a slow relay: a's three mails are still in flight while b looks
  try {
    for (let i = 0; i < 3; i++) await request(a.getHttpServer()).get(`/al/medium?msg=capped%20a${'z'.repeat(i + 1)}`).expect(500);
    await flushed(a);
    await a.get(AlertQueue).flush(10_000); // queueing kicks a's worker, which claims and starts sending
    await eventually(async () => (await outbox()).filter((r) => r.status === 'sending').length, (n) => n === 3);
    for (let i = 0; i < 3; i++) await request(b.getHttpServer()).get(`/al/medium?msg=capped%20b${'z'.repeat(i + 1)}`).expect(500);
    await deliver(b);
    await a.get(AlertDeliveryWorker).tick(); // after a's round in flight
    expect(smtp.withSubject('capped').map((m) => m.parsed.subject).filter((t) => t!.includes('capped a'))).toHaveLength(3);
    expect(smtp.mails).toHaveLength(3);
    expect((await outbox()).filter((r) => r.status === 'pending')).toHaveLength(3);
    clock.advanceMinutes(2);
    await deliver(b);
    expect(smtp.withSubject('capped b')).toHaveLength(3);
  } finally {
    smtp.delayMs = 0;
  }
});

it('a send answered after the deadline is marked when it ends, and not sent again after the lease', async () => {
  const pager = new SlowChannel(400);
  const app = await start({ smtp: undefined, channels: [pager], leaseMs: 200 });
  await request(app.getHttpServer()).get('/al/medium?msg=slow%20pager').expect(500);
  await deliver(app);
  expect(app.get(AlertDeliveryWorker).stats().unanswered).toBeGreaterThanOrEqual(1);
  await eventually(async () => (await outbox())[0]?.status, (status) => status === 'sent');
  clock.advanceMinutes(5);
  await deliver(app);
  await deliver(app);
  expect(pager.received).toHaveLength(1);
});

it('shutdown waits for a send in flight and records it before the database closes', async () => {
  const pager = new SlowChannel(300);
  const app = await start({ smtp: undefined, channels: [pager] });
  await request(app.getHttpServer()).get('/al/medium?msg=sent%20at%20shutdown').expect(500);
  await flushed(app);
  await app.get(AlertQueue).flush(10_000);
  const worker = app.get(AlertDeliveryWorker);
  void worker.tick();
  await pager.started;
  await apps.pop()!.close();
  expect(pager.received).toHaveLength(1);
  expect(worker.stats()).toMatchObject({ sent: 1, inFlight: 0, unmarked: 0 });
  // The embedded database is gone with the app; on PostgreSQL the row itself can be read.
  if (usingPostgres) expect((await outbox()).map((r) => r.status)).toEqual(['sent']);
});

it('a breaker that opens, closes and opens again: each change is told, flapping beyond that is counted', async () => {
  const app = await start({ escalation: { recipients: ['boss@example.test'] } });
  const breakers = app.get(CircuitBreakerRegistry);
  const flip = async (open: boolean): Promise<void> => {
    if (open) breakers.open('flappy-api');
    else breakers.reset('flappy-api');
    await deliver(app);
  };
  await flip(true);
  await flip(false);
  await flip(true);
  const subjects = (): string[] => smtp.withSubject('flappy-api').map((m) => m.parsed.subject!.replace(/ in \S+:/, ':'));
  expect(subjects()).toEqual([
    '[HIGH][ESCALATED] Circuit breaker opened: flappy-api',
    '[RESOLVED] Circuit breaker closed: flappy-api',
    '[HIGH][ESCALATED] Circuit breaker opened: flappy-api',
  ]);
  await flip(false); // the 4th notice of the window
  await flip(true); // beyond: counted
  await flip(false);
  expect(subjects()).toHaveLength(4);
  clock.advanceMinutes(11);
  await deliver(app);
  expect(subjects()).toHaveLength(5);
  expect(subjects()[4]).toMatch(/^\[RESOLVED\] \+2 more since \d\d:\d\d UTC: Circuit breaker closed: flappy-api$/);
});

it('the same bug recovered, then not: the failure is told at once, within the window', async () => {
  const app = await start();
  await request(app.getHttpServer()).get('/al/sometimes?recover=1').expect(200);
  await deliver(app);
  await request(app.getHttpServer()).get('/al/sometimes?recover=0').expect(503);
  await deliver(app);
  expect(smtp.withSubject('upstream reset').map((m) => m.parsed.subject)).toEqual([
    `[HIGH] ConnectionError in ${service}: upstream reset the connection — recovered by retry`,
    `[HIGH] ConnectionError in ${service}: upstream reset the connection — not recovered`,
  ]);
});
