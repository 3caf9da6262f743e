import { StrategyFailureStreaks } from './strategy-failure-streaks.js';

type Action = { strategy: string; success: boolean; skipped: boolean; message: string };

const fail = (strategy: string, message = `${strategy} failed`): Action => ({ strategy, success: false, skipped: false, message });
const ok = (strategy: string): Action => ({ strategy, success: true, skipped: false, message: `${strategy} worked` });
const skip = (strategy: string): Action => ({ strategy, success: false, skipped: true, message: `${strategy} does not apply` });

/** Feeds the runs in order; returns what each run reported. */
function feed(threshold: number, runs: Action[][]): ReturnType<StrategyFailureStreaks['record']>[] {
  const streaks = new StrategyFailureStreaks(threshold);
  return runs.map((run) => streaks.record(run));
}

describe('StrategyFailureStreaks', () => {
  it('reports nothing below the threshold, then the streak when it is reached and each run past it', () => {
    const reports = feed(3, [[fail('retry')], [fail('retry')], [fail('retry', 'third')], [fail('retry', 'fourth')]]);
    expect(reports).toEqual([
      [],
      [],
      [{ strategy: 'retry', count: 3, lastMessage: 'third' }],
      [{ strategy: 'retry', count: 4, lastMessage: 'fourth' }],
    ]);
  });

  it('reports at the first failure with threshold 1', () => {
    expect(feed(1, [[fail('cache_clear')]])).toEqual([[{ strategy: 'cache_clear', count: 1, lastMessage: 'cache_clear failed' }]]);
  });

  it('starts again from zero after a success', () => {
    const reports = feed(2, [[fail('retry')], [ok('retry')], [fail('retry')], [fail('retry')]]);
    expect(reports.map((r) => r.map((s) => s.count))).toEqual([[], [], [], [2]]);
  });

  it('neither counts nor resets on a skip', () => {
    const reports = feed(3, [[fail('retry')], [skip('retry')], [fail('retry')], [skip('retry')], [fail('retry')]]);
    expect(reports.map((r) => r.map((s) => s.count))).toEqual([[], [], [], [], [3]]);
  });

  it('counts the several attempts of one run once, with the last failure message', () => {
    const retries = [fail('retry', 'attempt 1'), fail('retry', 'attempt 2'), fail('retry', 'attempt 3')];
    const reports = feed(2, [retries, retries]);
    expect(reports).toEqual([[], [{ strategy: 'retry', count: 2, lastMessage: 'attempt 3' }]]);
  });

  it.each<[string, Action[]]>([
    ['the last attempt succeeding', [fail('retry'), fail('retry'), ok('retry')]],
    ['a success before a failure', [ok('retry'), fail('retry')]],
  ])('treats a run as a success with %s', (_name, run) => {
    expect(feed(2, [[fail('retry')], run, [fail('retry')]]).map((r) => r.length)).toEqual([0, 0, 0]);
  });

  it('keeps a streak per strategy', () => {
    const reports = feed(2, [
      [fail('retry'), fail('cache_clear')],
      [fail('retry'), ok('cache_clear')],
      [fail('cache_clear'), skip('retry')],
      [fail('cache_clear'), fail('retry')],
    ]);
    expect(reports.map((r) => r.map((s) => `${s.strategy}:${s.count}`))).toEqual([[], ['retry:2'], [], ['cache_clear:2', 'retry:3']]);
  });

  it('reports nothing for a run without actions or with skips only', () => {
    expect(feed(1, [[], [skip('retry'), skip('fallback')]])).toEqual([[], []]);
  });
});
