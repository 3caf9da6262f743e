import { systemClock } from '../resilience/clock.js';
import { restartTarget } from './restart-runner.js';

describe('restartTarget', () => {
  it('reports a non-Error rejection by its content, not as [object Object]', async () => {
    const target = { name: 'worker', restart: () => Promise.reject({ code: 'EWORKER', reason: 'socket closed' }) };
    const result = await restartTarget(target, true, systemClock);
    expect(result.outcome).toBe('failed');
    expect(result.detail).toContain('EWORKER');
    expect(result.detail).toContain('socket closed');
  });

  it('does not throw when the rejection cannot be turned into a string', async () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); } });
    const result = await restartTarget({ name: 'worker', restart: () => Promise.reject(hostile) }, false, systemClock);
    expect(result.outcome).toBe('failed');
  });
});
