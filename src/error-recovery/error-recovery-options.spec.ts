import { resolveOptions } from './error-recovery-options.js';

describe('resolveOptions', () => {
  it('applies the documented defaults', () => {
    const o = resolveOptions({}, {});
    expect(o).toMatchObject({
      service: 'app',
      environment: 'development',
      isDevelopment: true,
      recoveryTimeoutMs: 5000,
      recoveryEnabled: true,
      exposeDetails: false,
      adminToken: undefined,
      database: { dataDir: './data', poolSize: 3, migrationsRun: true, connectTimeoutMs: 5000 },
      writer: { batchSize: 500, concurrency: 2, flushIntervalMs: 25, maxQueue: 10000, spillAbove: 5000, maxRetryDelayMs: 5000, shutdownTimeoutMs: 5000, journal: { maxBytes: 268435456, dirs: [expect.stringMatching(/\.error-recovery-journal\/app$/), expect.stringMatching(/nest-error-recovery-journal\/app$/)] } },
      retry: { maxRetries: 3, delayMs: 50, maxDelayMs: 500, backoff: 'exponential', jitter: true, budgetRatio: 0.5, budgetMinRetries: 10, budgetWindowMs: 10_000 },
      capture: { statuses: [], includeBody: true, maxMessageLength: 2000, maxStackLength: 8000, maxContextBytes: 16384 },
    });
  });

  it('has no route timeout unless asked: routeTimeoutMs, or the older parameters.timeout_increase.currentTimeoutMs', () => {
    expect(resolveOptions({}, {}).routeTimeoutMs).toBe(0);
    expect(resolveOptions({}, {}).parameters.timeout_increase.currentTimeoutMs).toBe(0);
    expect(resolveOptions({ routeTimeoutMs: 3000 }, {}).routeTimeoutMs).toBe(3000);
    const legacy = resolveOptions({ parameters: { timeout_increase: { currentTimeoutMs: 4000 } } }, {});
    expect(legacy.routeTimeoutMs).toBe(4000);
    const both = resolveOptions({ routeTimeoutMs: 3000, parameters: { timeout_increase: { currentTimeoutMs: 4000 } } }, {});
    expect([both.routeTimeoutMs, both.parameters.timeout_increase.currentTimeoutMs]).toEqual([3000, 3000]);
  });

  it('reads NODE_ENV, ERROR_RECOVERY_TIMEOUT and ERROR_RECOVERY_ADMIN_TOKEN when options do not say', () => {
    const o = resolveOptions({}, { NODE_ENV: 'production', ERROR_RECOVERY_TIMEOUT: '8000', ERROR_RECOVERY_ADMIN_TOKEN: 's3' });
    expect([o.environment, o.isDevelopment, o.recoveryTimeoutMs, o.adminToken]).toEqual(['production', false, 8000, 's3']);
    const explicit = resolveOptions({ environment: 'staging', recoveryTimeoutMs: 100, adminToken: 'x' }, { NODE_ENV: 'production', ERROR_RECOVERY_TIMEOUT: '8000' });
    expect([explicit.environment, explicit.recoveryTimeoutMs, explicit.adminToken]).toEqual(['staging', 100, 'x']);
    expect(resolveOptions({}, { ERROR_RECOVERY_TIMEOUT: 'soon' }).recoveryTimeoutMs).toBe(5000);
  });

  it('opens the admin API without a token only when development was chosen explicitly', () => {
    expect(resolveOptions({}, {}).openAdminWithoutToken).toBe(false);
    expect(resolveOptions({}, { NODE_ENV: 'development' }).openAdminWithoutToken).toBe(true);
    expect(resolveOptions({ environment: 'dev' }, {}).openAdminWithoutToken).toBe(true);
    expect(resolveOptions({ environment: 'production' }, { NODE_ENV: 'development' }).openAdminWithoutToken).toBe(false);
    expect(resolveOptions({ exposeDetails: true }, {}).exposeDetails).toBe(false);
  });

  it('honours exposeDetails only in development', () => {
    expect(resolveOptions({ environment: 'development', exposeDetails: true }, {}).exposeDetails).toBe(true);
    expect(resolveOptions({ environment: 'production', exposeDetails: true }, {}).exposeDetails).toBe(false);
  });
});
