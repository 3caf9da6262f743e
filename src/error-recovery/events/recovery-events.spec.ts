import { Logger } from '@nestjs/common';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { RecoveryEvents } from './recovery-events.js';

describe('RecoveryEvents', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it('a listener that throws never reaches the emitter, is counted, and the other listeners still run', () => {
    const stats = new ErrorRecoveryStats();
    const events = new RecoveryEvents(stats);
    const heard: string[] = [];
    events.on('throttle.rejected', () => {
      throw new Error('alerting bug');
    });
    events.on('throttle.rejected', (e) => heard.push(e.route));
    expect(() => events.emit('throttle.rejected', { route: 'GET /x', scope: 'route', retryAfterMs: 1000 })).not.toThrow();
    expect(heard).toEqual(['GET /x']);
    expect(stats.faults.listener).toBe(1);
  });

  it('stops calling a listener once unsubscribed', () => {
    const events = new RecoveryEvents();
    let calls = 0;
    const off = events.on('throttle.rejected', () => calls++);
    off();
    events.emit('throttle.rejected', { route: 'GET /x', scope: 'route', retryAfterMs: 1 });
    expect(calls).toBe(0);
  });
});
