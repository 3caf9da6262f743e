import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorRecoveryModule, RegisterStrategy, type RecoveryContext, type RecoveryStrategy, type StrategyOutcome } from '../src/error-recovery/index.js';
import { ErrorLogWriter } from '../src/error-recovery/persistence/error-log.writer.js';
import { actionsOf, createApp, flushed, initApp, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';
import { eventually } from './support/polling.js';

/** The app's own strategy: answers from a warm replica. */
@Injectable()
@RegisterStrategy()
class WarmReplicaStrategy implements RecoveryStrategy {
  readonly name = 'warm_replica';
  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const startedAt = ctx.clock.now();
    return { resolved: true, result: { from: 'replica' }, steps: [{ success: true, skipped: false, message: 'answered from the warm replica', startedAt, durationMs: 0 }] };
  }
}

/** Grows a (pretend) pool at once, then takes far longer than the recovery budget to confirm it. */
@Injectable()
@RegisterStrategy()
class SlowGrowStrategy implements RecoveryStrategy {
  readonly name = 'slow_grow';
  grown = false;
  finished = false;
  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const startedAt = ctx.clock.now();
    this.grown = true; // the effect happens here…
    await new Promise((resolve) => setTimeout(resolve, 800)); // …then the strategy hangs past the 200 ms budget
    this.finished = true;
    return { resolved: false, steps: [{ success: true, skipped: false, message: 'pool grown 2 -> 5', startedAt, durationMs: ctx.clock.now() - startedAt }] };
  }
}

/** Opens a (pretend) breaker and says so at once, then hangs for good waiting on something that never comes. */
@Injectable()
@RegisterStrategy()
class OpenThenHangStrategy implements RecoveryStrategy {
  readonly name = 'open_then_hang';
  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const startedAt = ctx.clock.now();
    ctx.noteEffect?.({ success: true, skipped: false, message: 'breaker "orders" opened', startedAt, durationMs: 0 });
    return new Promise<StrategyOutcome>(() => undefined);
  }
}

/** Claims a built-in name: start-up must say so. */
@Injectable()
@RegisterStrategy()
class ImpostorRetry implements RecoveryStrategy {
  readonly name = 'retry';
  async execute(): Promise<StrategyOutcome> {
    return { resolved: false, steps: [] };
  }
}

@Controller('orders')
class OrdersController {
  @Get()
  list(): never {
    throw Object.assign(new Error('relation "orders" is locked'), { code: '55P03', severity: 'ERROR', routine: 'x' });
  }
}

describe("the app's own strategies", () => {
  it('are found by @RegisterStrategy() and run when a plan names them', async () => {
    const service = uniqueService('custom');
    const app = await startApp([
      ErrorRecoveryModule.forRoot({ service, environment: 'production', database: testDatabase(), strategyMap: { DatabaseError: ['warm_replica'] } }),
      { module: class OrdersModule {}, controllers: [OrdersController], providers: [WarmReplicaStrategy] },
    ]);
    try {
      const res = await request(app.getHttpServer()).get('/orders').expect(200, { from: 'replica' });
      expect(res.headers['x-recovery']).toBe('warm_replica');
      await flushed(app);
      expect((await actionsOf(res.headers['x-error-id'])).map((a) => [a.strategy, a.success, a.message])).toEqual([
        ['warm_replica', true, 'answered from the warm replica'],
      ]);
    } finally {
      await app.close();
    }
  });

  it('keep the record of an effect that happened although the strategy overran the budget', async () => {
    const service = uniqueService('late');
    const app = await startApp([
      ErrorRecoveryModule.forRoot({ service, environment: 'production', database: testDatabase(), recoveryTimeoutMs: 200, strategyMap: { DatabaseError: ['slow_grow'] } }),
      { module: class OrdersModule {}, controllers: [OrdersController], providers: [SlowGrowStrategy] },
    ]);
    try {
      const res = await request(app.getHttpServer()).get('/orders').expect(500);
      const slow = app.get(SlowGrowStrategy);
      // The request did not wait for the strategy.
      expect([slow.grown, slow.finished]).toEqual([true, false]);
      const id = res.headers['x-error-id'] as string;
      // Once the strategy settles, its real step joins the same error (written by the writer).
      const actions = await eventually(() => actionsOf(id), (rows) => rows.length === 2);
      expect(slow.finished).toBe(true);
      expect(actions.map((a) => [a.position, a.strategy, a.success, a.message])).toEqual([
        [0, 'slow_grow', false, 'stopped: recovery budget exhausted'],
        [1, 'slow_grow', true, 'after the recovery budget: pool grown 2 -> 5'],
      ]);
    } finally {
      await app.close();
    }
  });

  it('keep the record of an effect noted through the context, although the strategy then never settles', async () => {
    const service = uniqueService('noted');
    const app = await startApp([
      ErrorRecoveryModule.forRoot({
        service,
        environment: 'production',
        database: testDatabase(),
        recoveryTimeoutMs: 200,
        strategyMap: { DatabaseError: ['open_then_hang'] },
        writer: { shutdownTimeoutMs: 300 },
      }),
      { module: class OrdersModule {}, controllers: [OrdersController], providers: [OpenThenHangStrategy] },
    ]);
    try {
      const res = await request(app.getHttpServer()).get('/orders').expect(500);
      await flushed(app);
      expect((await actionsOf(res.headers['x-error-id'])).map((a) => [a.strategy, a.success, a.message])).toEqual([
        ['open_then_hang', true, 'breaker "orders" opened'],
        ['open_then_hang', false, 'stopped: recovery budget exhausted'],
      ]);
    } finally {
      await app.close();
    }
  });

  it('cannot take a name that is already registered', async () => {
    @Module({ providers: [ImpostorRetry] })
    class ImpostorModule {}
    const ref = await Test.createTestingModule({
      imports: [ErrorRecoveryModule.forRoot({ service: uniqueService('dup'), environment: 'production', database: testDatabase() }), ImpostorModule],
    }).compile();
    const app = await createApp(ref, { logger: false });
    await expect(initApp(app)).rejects.toThrow('A recovery strategy named "retry" is already registered. Give your strategy another name.');
    // An app that failed to start gets no shutdown hooks: release the store's connections here.
    await app.get(ErrorLogWriter).finalDrain();
  });
});
