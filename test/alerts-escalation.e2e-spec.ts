import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { closedPort, HttpReceiver } from '../src/error-recovery/alerts/channels/http-receiver.spec-helper.js';
import { AlertDeliveryWorker } from '../src/error-recovery/alerts/alert-delivery.worker.js';
import { AlertQueue } from '../src/error-recovery/alerts/alert-queue.js';
import { CircuitBreakerRegistry } from '../src/error-recovery/state/circuit-breaker.registry.js';
import { AlertsFixtureModule } from './fixtures/alerts.module.js';
import { rawQuery, startApp } from './support/app.js';
import { isolatedDatabase, uniqueService, usingPostgres } from './support/database.js';
import { eventually } from './support/polling.js';
import { SmtpCatcher } from './support/smtp-catcher.js';
import { deliver as deliverAlerts, emptyOutbox, ManualClock } from './support/alerts-harness.js';

/** Time of the apps: tests move it by hand. */
const clock = new ManualClock();

const smtp = new SmtpCatcher();
const webhook = new HttpReceiver();
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
      alerts: {
        smtp: { host: '127.0.0.1', port: smtp.port, timeoutMs: 2000 },
        webhook: { url: webhook.url('/hooks/alerts'), secret: 'whsec-test', timeoutMs: 2000 },
        recipients: ['team@example.test'],
        escalation: { recipients: ['boss@example.test'], repeatThreshold: 50, strategyFailureThreshold: 3 },
        pollIntervalMs: 3_600_000,
        retryBaseMs: 60_000,
      },
    }),
  ]);
}

const deliver = (target = app): Promise<void> => deliverAlerts(target);

/** The webhook documents received of one kind. */
const posts = (kind: string, receiver = webhook): Record<string, unknown>[] =>
  receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>).filter((b) => b.kind === kind);

beforeAll(async () => {
  db = await isolatedDatabase('alerts_escalation');
  await Promise.all([smtp.start(), webhook.start()]);
});

afterAll(async () => {
  await Promise.all([smtp.stop(), webhook.stop()]);
});

beforeEach(async () => {
  await emptyOutbox(db.table);
  service = uniqueService('escalation');
  smtp.mails.length = 0;
  webhook.received.length = 0;
  app = await start();
});

afterEach(async () => {
  await app.close();
});

describe('escalation (c): a circuit breaker', () => {
  it('opening tells the escalation and default recipients and the webhook; closing sends [RESOLVED]', async () => {
    await request(app.getHttpServer()).get('/al/breaker').expect(503);
    expect(app.get(CircuitBreakerRegistry).list().find((b) => b.name === 'payments-api')?.state).toBe('open');
    await deliver();

    const opened = smtp.withSubject('Circuit breaker opened');
    expect(opened).toHaveLength(1);
    expect(opened[0].parsed.subject).toBe(`[HIGH][ESCALATED] Circuit breaker opened in ${service}: payments-api`);
    expect(opened[0].envelopeTo.sort()).toEqual(['boss@example.test', 'team@example.test']);
    expect(posts('circuit_breaker_open')).toEqual([
      expect.objectContaining({ severity: 'high', escalation: 'circuit breaker opened', facts: expect.objectContaining({ Breaker: 'payments-api', Reason: 'threshold' }) }),
    ]);
    expect(posts('circuit_breaker_closed')).toHaveLength(0);

    expect(app.get(CircuitBreakerRegistry).reset('payments-api')).toBe(true);
    await deliver();
    const closed = smtp.withSubject('Circuit breaker closed');
    expect(closed).toHaveLength(1);
    expect(closed[0].parsed.subject).toMatch(/^\[RESOLVED\]/);
    expect(closed[0].parsed.subject).toContain(`Circuit breaker closed in ${service}: payments-api`);
    expect(closed[0].envelopeTo.sort()).toEqual(['boss@example.test', 'team@example.test']);
    expect(posts('circuit_breaker_closed')).toEqual([expect.objectContaining({ subject: closed[0].parsed.subject, facts: { Breaker: 'payments-api', Reason: 'reset' } })]);
    expect(smtp.withSubject('Circuit breaker opened')).toHaveLength(1);
  });
});

describe('escalation (d): a strategy failing in a row', () => {
  it('after strategyFailureThreshold failures, tells the escalation recipients which strategy', async () => {
    for (let i = 0; i < 3; i++) await request(app.getHttpServer()).get('/al/failing').expect(503);
    await deliver();

    const failing = smtp.withSubject('Recovery failing');
    expect(failing).toHaveLength(1);
    expect(failing[0].parsed.subject).toBe(`[HIGH][ESCALATED] Recovery failing in ${service}: retry failed 3 times in a row`);
    expect(failing[0].envelopeTo).toContain('boss@example.test');
    expect(posts('recovery_failing')).toEqual([expect.objectContaining({ facts: expect.objectContaining({ Strategy: 'retry', 'Failures in a row': '3' }) })]);
  });

  it('below the threshold, says nothing', async () => {
    for (let i = 0; i < 2; i++) await request(app.getHttpServer()).get('/al/failing').expect(503);
    await deliver();
    expect(posts('error')).toHaveLength(1); // the error itself was alerted: the channels work
    expect(smtp.withSubject('Recovery failing')).toHaveLength(0);
    expect(posts('recovery_failing')).toHaveLength(0);
  });
});

describe('rate_limit_exceeded', () => {
  it('many requests refused by the throttle: one alert', async () => {
    const server = app.getHttpServer();
    // The first failure turns the throttle on (burst 1); its one token lets the second through.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await request(server).get('/al/throttled')).status);
    expect(statuses).toEqual([503, 503, 429, 429, 429, 429]);
    await deliver();
    for (let i = 0; i < 3; i++) await request(server).get('/al/throttled').expect(429);
    await deliver();

    const limited = posts('rate_limit_exceeded');
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ severity: 'medium', escalation: null, facts: { Throttle: 'GET /al/throttled' } });
    const mails = smtp.withSubject('Rate limit exceeded');
    expect(mails).toHaveLength(1);
    expect(mails[0].parsed.subject).toBe(`[MEDIUM] Rate limit exceeded in ${service}: GET /al/throttled`);
    expect(mails[0].envelopeTo).toEqual(['team@example.test']);
  });
});

const pgIt = usingPostgres ? it : it.skip;

describe('initialization_failed', () => {
  pgIt('the error store unreachable at start-up: the alert goes out directly, not through the outbox', async () => {
    const receiver = await new HttpReceiver().start();
    const down = await startApp([
      AlertsFixtureModule.forRoot({
        service,
        environment: 'test',
        database: { url: `postgres://postgres@127.0.0.1:${await closedPort()}/test`, connectTimeoutMs: 300 },
        writer: { shutdownTimeoutMs: 300 },
        clock,
        alerts: { webhook: { url: receiver.url('/hooks/alerts') }, pollIntervalMs: 3_600_000 },
      }),
    ]);
    try {
      const [alert] = await eventually(async () => posts('initialization_failed', receiver), (p) => p.length > 0);
      expect(alert).toMatchObject({ severity: 'critical', service, subject: `[CRITICAL][ESCALATED] Initialization failed in ${service}: error_store unreachable` });
      expect(alert.facts).toMatchObject({ Component: 'error_store', Reason: expect.stringMatching(/ECONNREFUSED|connect/i) });
      expect(receiver.received[0].headers['x-alert-id']).toEqual(expect.any(String));
      // The worker never ran a round (its store is down): nothing came through the outbox.
      expect(down.get(AlertDeliveryWorker).stats().sent).toBe(0);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await down.close();
      await receiver.stop();
    }
  });

  it('the SMTP server unreachable at start-up: the other channels hear of it through the outbox', async () => {
    const receiver = await new HttpReceiver().start();
    const noSmtp = await startApp([
      AlertsFixtureModule.forRoot({
        service,
        environment: 'test',
        database: db.options,
        clock,
        alerts: {
          smtp: { host: '127.0.0.1', port: await closedPort(), timeoutMs: 500 },
          recipients: ['team@example.test'],
          webhook: { url: receiver.url('/hooks/alerts') },
          pollIntervalMs: 3_600_000,
        },
      }),
    ]);
    try {
      await eventually(
        async () => {
          await noSmtp.get(AlertQueue).flush(1000);
          await noSmtp.get(AlertDeliveryWorker).tick();
          return posts('initialization_failed', receiver);
        },
        (p) => p.length > 0,
      );
      const [alert] = posts('initialization_failed', receiver);
      expect(alert.facts).toMatchObject({ Component: 'smtp', Reason: expect.stringMatching(/ECONNREFUSED/) });
      // The e-mail of that alert waits in the outbox for the SMTP server to come back.
      const rows = await rawQuery(`SELECT status, last_error FROM ${db.table('alert_outbox')} WHERE kind = 'initialization_failed' AND channel = 'email' AND alert->>'service' = $1`, [service]);
      expect(rows).toEqual([expect.objectContaining({ status: 'pending', last_error: expect.stringMatching(/ECONNREFUSED/) })]);
    } finally {
      await noSmtp.close();
      await receiver.stop();
    }
  });
});
