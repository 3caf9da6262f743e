import { Controller, Get, Module, Query, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ErrorRecoveryModule } from '../src/error-recovery/index.js';
import { startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** One error object, thrown by every request that fails (a module-level constant, as some apps do). */
const CONNECTION_RESET = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const attempts = new Map<string, number>();

@Controller('shared')
class AccountController {
  /** The first attempt of each caller fails with the shared error; a retry answers with that caller's data. */
  @Get()
  account(@Query('who') who: string): { who: string } {
    const n = (attempts.get(who) ?? 0) + 1;
    attempts.set(who, n);
    if (n === 1) throw CONNECTION_RESET;
    return { who };
  }
}

@Module({ controllers: [AccountController] })
class AccountModule {}

describe('an error object thrown by several requests', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp([ErrorRecoveryModule.forRoot({ service: uniqueService('shared-error'), environment: 'production', database: testDatabase() }), AccountModule]);
  });
  afterAll(() => app.close());

  it("is captured and recovered for each request: one caller never gets another caller's recovered answer", async () => {
    const a = await request(app.getHttpServer()).get('/shared?who=alice').expect(200, { who: 'alice' });
    const b = await request(app.getHttpServer()).get('/shared?who=bob').expect(200, { who: 'bob' });
    expect(b.headers['x-recovery']).toBe('retry');
    expect(b.headers['x-error-id']).not.toBe(a.headers['x-error-id']);
    expect(attempts.get('bob')).toBe(2);
  });
});
