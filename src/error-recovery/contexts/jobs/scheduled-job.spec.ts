import { Cron, Interval, Timeout } from '@nestjs/schedule';
import { jobKind, scheduledJob } from './scheduled-job.js';

/** Jobs declared with the real decorators: the metadata keys copied from @nestjs/schedule must match its own. */
class Jobs {
  @Cron('0 * * * *', { name: 'hourly-sync' })
  named(): void {}

  @Cron(new Date('2027-01-01T00:00:00Z'))
  once(): void {}

  @Interval('poller', 250)
  poll(): void {}

  @Interval(1000)
  anonymousInterval(): void {}

  @Timeout(10)
  warmUp(): void {}

  helper(): void {}
}

const job = (name: keyof Jobs) => scheduledJob('Jobs', name, Jobs.prototype[name]);

describe('scheduledJob', () => {
  it.each<[keyof Jobs, unknown]>([
    ['named', { kind: 'cron', operation: 'hourly-sync', schedule: '0 * * * *' }],
    ['once', { kind: 'cron', operation: 'Jobs.once', schedule: '2027-01-01T00:00:00.000Z' }],
    ['poll', { kind: 'interval', operation: 'poller', schedule: 250 }],
    ['anonymousInterval', { kind: 'interval', operation: 'Jobs.anonymousInterval', schedule: 1000 }],
    ['warmUp', { kind: 'timeout', operation: 'Jobs.warmUp', schedule: 10 }],
  ])('%s', (name, expected) => {
    expect(job(name)).toEqual(expected);
  });

  it('is undefined for a method that is no job', () => {
    expect(job('helper')).toBeUndefined();
    expect(jobKind(Jobs.prototype.helper)).toBeUndefined();
  });
});
