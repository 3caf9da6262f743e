import { isJobMove, jobContext } from './job-context.js';

describe('jobContext', () => {
  it('reads the id, name, attempt (1-based), allowed attempts and data of a BullMQ job', () => {
    const job = { id: '12', name: 'charge', attemptsMade: 1, opts: { attempts: 3 }, data: { orderId: 4 }, queueName: 'orders' };
    expect(jobContext(job)).toEqual({ jobId: '12', jobName: 'charge', attempt: 2, attempts: 3, data: { orderId: 4 } });
  });

  it('never throws on a hostile or partial job', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('no'); } });
    expect(jobContext(hostile)).toEqual({ jobId: null, jobName: null, attempt: null, attempts: 1, data: undefined });
    expect(jobContext(undefined)).toMatchObject({ jobId: null, attempt: null });
  });
});

describe('isJobMove', () => {
  it('tells the errors that move a job (delay, wait, rate limit) from failures', () => {
    const named = (name: string): Error => Object.assign(new Error('m'), { name });
    expect(isJobMove(named('DelayedError'))).toBe(true);
    expect(isJobMove(named('WaitingChildrenError'))).toBe(true);
    expect(isJobMove(named('WaitingError'))).toBe(true);
    expect(isJobMove(new Error('bullmq:rateLimitExceeded'))).toBe(true);
    expect(isJobMove(named('UnrecoverableError'))).toBe(false);
    expect(isJobMove(new Error('payment refused'))).toBe(false);
    expect(isJobMove('DelayedError')).toBe(false);
  });
});
