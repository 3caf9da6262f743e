import { Controller, Get, Param, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AiErrorHandler, ErrorRecoveryModule } from '../src/error-recovery/index.js';
import { flushed, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

const ADMIN_TOKEN = 'inputs-admin-token-0123456789';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** Errors of a chosen type (severity through `severityOverrides`), without recovery. */
@Controller('boom')
class BoomController {
  @Get(':type')
  @AiErrorHandler({ recovery: false })
  boom(@Param('type') type: string): never {
    throw Object.assign(new Error(`a ${type}`), { name: type });
  }
}

describe('admin API: inputs and ordering', () => {
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
        severityOverrides: { LowError: 'low', MediumError: 'medium', HighError: 'high', CriticalError: 'critical' },
      }),
      { module: class BoomModule {}, controllers: [BoomController] },
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
});
