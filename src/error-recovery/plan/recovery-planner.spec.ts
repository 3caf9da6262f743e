import type { Severity } from '../classify/classification.interface.js';
import { planRecovery } from './recovery-planner.js';

const c = (errorType: string, severity: Severity = 'low', transient = true) => ({ errorType, severity, transient });

describe('planRecovery', () => {
  it.each([
    ['DatabaseError', ['pool_increase', 'timeout_increase', 'cache_clear']],
    ['TimeoutError', ['timeout_increase', 'resource_scale', 'cache_clear']],
    ['MemoryError', ['resource_scale', 'cache_clear', 'queue_priority']],
    ['ConnectionError', ['retry', 'circuit_break', 'fallback']],
    ['ValidationError', ['fallback', 'request_throttle']],
    ['AuthenticationError', ['retry', 'request_throttle']],
    ['APIError', ['retry', 'timeout_increase', 'fallback']],
    ['ServiceUnavailableError', ['retry', 'circuit_break', 'service_restart']],
    ['StaleCacheError', ['cache_clear', 'fallback']],
  ])('maps %s (transient) to the product plan', (type, plan) => {
    expect(planRecovery({ classification: c(type) })).toEqual(plan);
  });

  it.each<[Severity, string[]]>([
    ['critical', ['pool_increase', 'resource_scale', 'service_restart']],
    ['high', ['timeout_increase', 'cache_clear', 'fallback']],
    ['medium', ['fallback', 'request_throttle']],
    ['low', ['retry', 'fallback']],
  ])('plans an unknown type by severity %s', (severity, plan) => {
    expect(planRecovery({ classification: c('SomethingNew', severity) })).toEqual(plan);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])(
    'plans an error type named %s like any unknown type (by severity), with or without an app map',
    (type) => {
      expect(planRecovery({ classification: c(type, 'high') })).toEqual(['timeout_increase', 'cache_clear', 'fallback']);
      expect(planRecovery({ classification: c(type, 'high'), mapOverrides: { DatabaseError: ['retry'] } })).toEqual(['timeout_increase', 'cache_clear', 'fallback']);
    },
  );

  it('uses an app map entry even when its key is a name Object.prototype has', () => {
    const mapOverrides = Object.fromEntries([['constructor', ['fallback']]]);
    expect(planRecovery({ classification: c('constructor', 'high'), mapOverrides })).toEqual(['fallback']);
  });

  it('plans an unknown severity as medium', () => {
    expect(planRecovery({ classification: c('SomethingNew', 'toString' as Severity) })).toEqual(['fallback', 'request_throttle']);
  });

  it('never plans a retry for a permanent error', () => {
    expect(planRecovery({ classification: c('AuthenticationError', 'low', false) })).toEqual(['request_throttle']);
    expect(planRecovery({ classification: c('Whatever', 'low', false) })).toEqual(['fallback']);
    expect(planRecovery({ classification: c('X', 'low', false), routeStrategies: ['retry', 'fallback'] })).toEqual(['fallback']);
  });

  it('lets the app map override the product map, and the route override both', () => {
    const mapOverrides = { ConnectionError: ['fallback', 'retry'] };
    expect(planRecovery({ classification: c('ConnectionError'), mapOverrides })).toEqual(['fallback', 'retry']);
    expect(planRecovery({ classification: c('DatabaseError'), mapOverrides })).toEqual(['pool_increase', 'timeout_increase', 'cache_clear']);
    expect(planRecovery({ classification: c('ConnectionError'), mapOverrides, routeStrategies: ['circuit_break'] })).toEqual(['circuit_break']);
  });

  it('removes duplicates, keeping the first position', () => {
    expect(planRecovery({ classification: c('X'), routeStrategies: ['retry', 'fallback', 'retry'] })).toEqual(['retry', 'fallback']);
  });
});
