import { DEFAULT_HEALTH_OPTIONS, resolveHealthOptions } from './health-options.interface.js';

describe('resolveHealthOptions', () => {
  it('applies the defaults; false turns health off with the same numbers', () => {
    expect(resolveHealthOptions(undefined)).toEqual({ enabled: true, ...DEFAULT_HEALTH_OPTIONS });
    expect(resolveHealthOptions(false)).toEqual({ enabled: false, ...DEFAULT_HEALTH_OPTIONS });
    expect(DEFAULT_HEALTH_OPTIONS).toEqual({ intervalMs: 30_000, timeoutMs: 2000, maxAgeMs: 5000, dataSources: true, maxErrorLength: 300 });
  });

  it('keeps valid values and brings bad ones back to the default or into range', () => {
    expect(resolveHealthOptions({ intervalMs: 0, timeoutMs: 0, maxAgeMs: 0, dataSources: false, maxErrorLength: 5 })).toEqual({
      enabled: true,
      intervalMs: 0,
      timeoutMs: 1,
      maxAgeMs: 0,
      dataSources: false,
      maxErrorLength: 20,
    });
    expect(resolveHealthOptions({ intervalMs: -1, timeoutMs: Number.NaN, maxAgeMs: Infinity })).toMatchObject({ intervalMs: 30_000, timeoutMs: 2000, maxAgeMs: 5000 });
  });
});
