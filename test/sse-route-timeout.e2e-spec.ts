import { Controller, Module, Sse, type INestApplication, type MessageEvent } from '@nestjs/common';
import { interval, map, take, type Observable } from 'rxjs';
import request from 'supertest';
import { ErrorRecoveryModule } from '../src/error-recovery/index.js';
import { startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

@Controller('sse')
class TickerController {
  /** Three events, 150 ms apart: a stream, slower between events than the app's 100 ms route timeout. */
  @Sse('ticks')
  ticks(): Observable<MessageEvent> {
    return interval(150).pipe(
      take(3),
      map((n) => ({ data: { n } })),
    );
  }
}

@Module({ controllers: [TickerController] })
class TickerModule {}

describe('route timeouts and server-sent events', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp([ErrorRecoveryModule.forRoot({ service: uniqueService('sse'), environment: 'production', database: testDatabase(), routeTimeoutMs: 100 }), TickerModule]);
  });
  afterAll(() => app.close());

  it('an SSE stream is not cut by the route timeout: it gets every event, as without the module', async () => {
    const res = await request(app.getHttpServer()).get('/sse/ticks').buffer(true).parse((r, done) => {
      let text = '';
      r.on('data', (chunk: Buffer) => (text += chunk.toString()));
      r.on('end', () => done(null, text));
    });
    expect(res.status).toBe(200);
    expect(String(res.body).match(/^data: /gm)).toHaveLength(3);
    expect(res.body).not.toMatch(/event: error/);
  });
});
