import { resolveOptions } from '../error-recovery-options.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import type { Clock } from '../resilience/clock.js';
import { ThrottleRegistry } from './throttle.registry.js';

const clock = { t: 1_000_000, now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };
const registry = () => new ThrottleRegistry(resolveOptions({ clock }, {}), new RecoveryEvents());

describe('ThrottleRegistry', () => {
  it('an expired throttle stops counting as active although no request touched it', () => {
    const throttles = registry();
    throttles.activate('GET /a', 'route', undefined, 60, 1, 10_000);
    throttles.activate('GET /b', 'client', 'ip:1.2.3.4', 60, 1, 20_000);
    expect(throttles.active).toBe(true);
    clock.t += 10_000;
    expect(throttles.active).toBe(true); // /b still on
    expect(throttles.list()).toEqual([expect.objectContaining({ route: 'GET /b', client: 'ip:1.2.3.4' })]);
    clock.t += 10_000;
    expect(throttles.active).toBe(false);
    expect(throttles.list()).toEqual([]);
    expect(throttles.lift('GET /a')).toBe(false);
  });

  it('many per-client throttles never push out a route throttle (an overload limit stays on)', () => {
    const throttles = registry();
    throttles.activate('GET /a', 'route', undefined, 60, 1, 60_000);
    for (let i = 0; i < 10_001; i++) throttles.activate('GET /b', 'client', `ip:10.0.${i >> 8}.${i & 255}`, 60, 1, 60_000);
    expect(throttles.check('GET /a', undefined)).toEqual({ allowed: true });
    expect(throttles.check('GET /a', undefined)).toMatchObject({ allowed: false });
  });

  it('names the route of a client throttle, whatever the client key holds', () => {
    const throttles = registry();
    throttles.activate('GET /b', 'client', 'tracker:key @evil', 60, 1, 60_000);
    expect(throttles.list()).toEqual([expect.objectContaining({ route: 'GET /b', client: 'tracker:key @evil' })]);
  });

  it('limits while in force and lets everything through once expired', () => {
    const throttles = registry();
    throttles.activate('GET /a', 'route', undefined, 60, 1, 5_000);
    expect(throttles.check('GET /a', 'ip:x')).toEqual({ allowed: true });
    expect(throttles.check('GET /a', 'ip:x')).toMatchObject({ allowed: false });
    clock.t += 5_000;
    expect(throttles.active).toBe(false);
    expect(throttles.check('GET /a', 'ip:x')).toEqual({ allowed: true });
  });

  it('a throttle turned on again after expiry counts from its new cool-down', () => {
    const throttles = registry();
    throttles.activate('GET /a', 'route', undefined, 60, 1, 1_000);
    clock.t += 1_000;
    expect(throttles.activate('GET /a', 'route', undefined, 60, 1, 1_000)).toEqual({ until: clock.t + 1_000 });
    expect(throttles.active).toBe(true);
    clock.t += 999;
    expect(throttles.active).toBe(true);
    clock.t += 1;
    expect(throttles.active).toBe(false);
  });
});
