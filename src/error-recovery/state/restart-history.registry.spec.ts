import { jest } from '@jest/globals';
import { optionsWith } from '../targets/fake-data-source.spec-helper.js';
import { RestartHistoryRegistry, type RestartResult } from './restart-history.registry.js';

const ok: RestartResult = { outcome: 'succeeded', healthCheck: 'passed', durationMs: 5 };

describe('RestartHistoryRegistry', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-22T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('allows maxRestarts per window per target, then refuses until the oldest leaves the window', () => {
    const history = new RestartHistoryRegistry(optionsWith());
    expect(history.claim('db', 2, 60_000)).toEqual({ allowed: true, inWindow: 1 });
    jest.advanceTimersByTime(10_000);
    expect(history.claim('db', 2, 60_000)).toEqual({ allowed: true, inWindow: 2 });
    expect(history.claim('db', 2, 60_000)).toEqual({ allowed: false, inWindow: 2, nextAllowedAt: Date.parse('2026-11-22T12:01:00Z') });
    expect(history.claim('search', 2, 60_000)).toEqual({ allowed: true, inWindow: 1 });
    jest.advanceTimersByTime(50_000);
    expect(history.claim('db', 2, 60_000)).toEqual({ allowed: true, inWindow: 2 });
    expect(history.list().find((h) => h.name === 'db')).toMatchObject({ restarts_in_window: 2, total_restarts: 3, max_restarts: 2, window_ms: 60_000 });
  });

  it('shows a restart in progress, then how it ended', async () => {
    const history = new RestartHistoryRegistry(optionsWith());
    let finish: (r: RestartResult) => void = () => undefined;
    const restart = new Promise<RestartResult>((resolve) => (finish = resolve));
    history.claim('db', 3, 60_000);
    history.track('db', restart);
    expect(history.running('db')).toBe(restart);
    expect(history.list()).toEqual([
      { name: 'db', restarts_in_window: 1, max_restarts: 3, window_ms: 60_000, total_restarts: 1, last_restart_at: '2026-11-22T12:00:00.000Z', last_outcome: 'in_progress' },
    ]);
    finish({ ...ok, outcome: 'unhealthy' });
    await restart;
    await Promise.resolve();
    expect(history.running('db')).toBeUndefined();
    expect(history.list()[0].last_outcome).toBe('unhealthy');
  });
});
