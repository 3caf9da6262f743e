import { Controller, Get, Param, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AiErrorHandler, ErrorRecoveryModule } from '../src/error-recovery/index.js';
import { flushed, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

const ADMIN_TOKEN = 'inputs-admin-token-0123456789';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** A dependency that is down until the test brings it back; automatic recovery off, so only a manual run can recover. */
let dependencyUp = false;
@Controller('rates')
class RatesController {
  @Get()
  @AiErrorHandler({ recovery: false })
  rates(): { rate: number } {
    if (!dependencyUp) throw Object.assign(new Error('rates: socket hang up'), { code: 'ECONNRESET' });
    return { rate: 1.1 };
  }
}

/** Errors of a chosen type (severity through `severityOverrides`), without recovery. */
@Controller('boom')
class BoomController {
  @Get(':type')
  @AiErrorHandler({ recovery: false })
  boom(@Param('type') type: string): never {
    throw Object.assign(new Error(`a ${type}`), { name: type });
  }
}

/** Whether a response body carries a NUL or a surrogate, raw or JSON-escaped. */
const echoesHostileInput = (text: string): boolean => ['\u0000', '\\u0000', '\\ud800', '\ufffd'].some((bad) => text.includes(bad));

describe('admin API: ordering, manual recovery, hostile input', () => {
  let app: INestApplication;
  let service: string;
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    service = uniqueService('inputs');
    app = await startApp([
      ErrorRecoveryModule.forRoot({
        service,
        environment: 'production',
        adminToken: ADMIN_TOKEN,
        database: testDatabase(),
        strategyMap: { ConnectionError: ['retry'] },
        retry: { delayMs: 5, maxDelayMs: 20 },
        severityOverrides: { LowError: 'low', MediumError: 'medium', HighError: 'high', CriticalError: 'critical' },
      }),
      { module: class BoomModule {}, controllers: [BoomController, RatesController] },
    ]);
    await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
  });

  describe('sort=severity', () => {
    it('sorts by rank, critical first when descending and last when ascending', async () => {
      for (const type of ['MediumError', 'CriticalError', 'LowError', 'HighError', 'MediumError']) {
        expect((await request(server()).get(`/boom/${type}`)).status).toBeGreaterThanOrEqual(500);
      }
      const severities = async (order: string): Promise<string[]> => {
        const res = await request(server()).get(`/api/errors?service=${service}&sort=severity&order=${order}`).set(auth).expect(200);
        return res.body.items.map((e: { severity: string }) => e.severity);
      };
      expect(await severities('desc')).toEqual(['critical', 'high', 'medium', 'medium', 'low']);
      expect(await severities('asc')).toEqual(['low', 'medium', 'medium', 'high', 'critical']);
      await flushed(app);
      expect(await rowsOf(service)).toHaveLength(5);
    });
  });

  describe('POST recovery/trigger', () => {
    it('marks the error resolved (with resolved_at) when the manual run succeeds', async () => {
      dependencyUp = false;
      const failed = await request(server()).get('/rates');
      expect(failed.status).toBeGreaterThanOrEqual(500);
      const id = failed.headers['x-error-id'] as string;
      const before = await request(server()).get(`/api/errors/${id}`).set(auth).expect(200);
      expect(before.body).toMatchObject({ resolved: false, resolved_at: null });
      dependencyUp = true;
      const res = await request(server()).post('/api/errors/recovery/trigger').set(auth).send({ error_id: id }).expect(200);
      expect(res.body).toMatchObject({ success: true, error_id: id });
      const after = await request(server()).get(`/api/errors/${id}`).set(auth).expect(200);
      expect(after.body).toMatchObject({ resolved: true, recovery_success: true, recovery_strategy: 'retry' });
      expect(Date.parse(after.body.resolved_at)).toBeGreaterThanOrEqual(Date.parse(before.body.occurred_at));
    });

    it('leaves an unresolved error unresolved when the manual run fails', async () => {
      dependencyUp = false;
      const failed = await request(server()).get('/rates');
      const id = failed.headers['x-error-id'] as string;
      const res = await request(server()).post('/api/errors/recovery/trigger').set(auth).send({ error_id: id }).expect(200);
      expect(res.body.success).toBe(false);
      const after = await request(server()).get(`/api/errors/${id}`).set(auth).expect(200);
      expect(after.body).toMatchObject({ resolved: false, resolved_at: null, recovery_success: false });
    });
  });

  describe('unstorable input (NUL, unpaired surrogates)', () => {
    const cases: [string, string][] = [
      ['GET', '/api/errors?service=%00'],
      ['GET', '/api/errors?service=a%00b'],
      ['GET', '/api/errors?error_type=%00'],
      ['GET', '/api/errors?severity=%00'],
      ['GET', '/api/errors?sort=%00'],
      ['GET', '/api/errors?order=%00'],
      ['GET', '/api/errors?since=%00'],
      ['GET', '/api/errors?page=%00'],
      ['GET', '/api/errors?resolved=%00'],
      ['GET', '/api/errors?%00=1'],
      ['GET', '/api/errors?service[%00]=1'],
      ['GET', '/api/errors/summary?service=%00'],
      ['GET', '/api/errors/summary?hours=%00'],
      ['GET', '/api/errors/alerts?channel=%00'],
      ['GET', '/api/errors/alerts?status=%00'],
      ['GET', '/api/errors/%00'],
      ['PATCH', '/api/errors/%00/resolve'],
      ['POST', '/api/errors/circuit-breakers/%00/reset'],
    ];
    it.each(cases)('%s %s → 400 with a clean body, nothing stored', async (method, url) => {
      const before = (await rowsOf(service)).length;
      const res = await request(server())[method.toLowerCase() as 'get' | 'patch' | 'post'](url).set(auth);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400 });
      expect(echoesHostileInput(res.text)).toBe(false);
      await flushed(app);
      expect(await rowsOf(service)).toHaveLength(before);
    });

    it.each([
      ['a NUL', { error_id: '\u0000' }],
      ['an unpaired surrogate', { error_id: '\ud800' }],
      ['an unknown NUL key', { error_id: '00000000-0000-4000-8000-000000000000', '\u0000': 1 }],
    ])('POST recovery/trigger with %s → 400, nothing stored', async (_label, body) => {
      const before = (await rowsOf(service)).length;
      const res = await request(server()).post('/api/errors/recovery/trigger').set(auth).send(body);
      expect(res.status).toBe(400);
      expect(echoesHostileInput(res.text)).toBe(false);
      await flushed(app);
      expect(await rowsOf(service)).toHaveLength(before);
    });
  });
});
