import { jest } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Interval, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { ErrorRecoveryModule } from '../src/error-recovery/index.js';
import { startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** An interval period no one else uses, so its setInterval calls can be counted. */
const APP_JOB_MS = 123_457;

@Injectable()
class AppJob {
  constructor(readonly registry: SchedulerRegistry) {}

  @Interval('app-job', APP_JOB_MS)
  run(): void {}
}

@Module({ imports: [ScheduleModule.forRoot()], providers: [AppJob] })
class AppScheduleModule {}

describe('the alert worker next to an app that uses @nestjs/schedule itself', () => {
  it('runs the app\'s jobs once, leaves the app its registry, and schedules its own worker', async () => {
    const periods: number[] = [];
    const original = globalThis.setInterval;
    const spy = jest.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number) => {
      periods.push(ms ?? 0);
      return original(fn, ms);
    }) as typeof setInterval);
    const app = await startApp([
      AppScheduleModule,
      ErrorRecoveryModule.forRoot({
        service: uniqueService('schedule'),
        environment: 'test',
        database: testDatabase(),
        alerts: { webhook: { url: 'http://127.0.0.1:9/never-called' }, pollIntervalMs: 987_654 },
      }),
    ]);
    try {
      expect(periods.filter((ms) => ms === APP_JOB_MS)).toHaveLength(1);
      expect(periods.filter((ms) => ms === 987_654)).toHaveLength(1);
      // What the app's own code sees: its registry, with its job.
      expect(app.get(AppJob).registry.getIntervals()).toEqual(['app-job']);
    } finally {
      spy.mockRestore();
      await app.close();
    }
  });
});
