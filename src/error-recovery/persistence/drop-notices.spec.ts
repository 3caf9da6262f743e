import type { Clock } from '../resilience/clock.js';
import { DropNotices } from './drop-notices.js';

/** A clock whose time moves only when told; sleepers wake when it passes their time. */
function manualClock() {
  let now = 0;
  const sleepers: { at: number; wake: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const s of sleepers.filter((x) => x.at <= now)) {
      sleepers.splice(sleepers.indexOf(s), 1);
      s.wake();
    }
    await new Promise((r) => setImmediate(r));
  };
  return { clock, advance };
}

describe('DropNotices', () => {
  it('tells the first drop at once and the rest of a burst at the end of the interval, even when drops stop', async () => {
    const { clock, advance } = manualClock();
    const told: [string, number][] = [];
    const notices = new DropNotices<string>(60_000, clock, (reason, count) => told.push([reason, count]));
    notices.dropped('queue_full');
    for (let i = 0; i < 6_999; i++) notices.dropped('queue_full');
    expect(told).toEqual([['queue_full', 1]]);
    await advance(60_000);
    // 7,000 dropped: all of them told, not only the first.
    expect(told).toEqual([['queue_full', 1], ['queue_full', 6_999]]);
    await advance(120_000);
    expect(told).toHaveLength(2);
  });

  it('tells each count once when drops go on after the interval', async () => {
    const { clock, advance } = manualClock();
    const told: [string, number][] = [];
    const notices = new DropNotices<string>(60_000, clock, (reason, count) => told.push([reason, count]));
    notices.dropped('journal_full', 2);
    notices.dropped('journal_full', 3);
    await advance(60_000);
    notices.dropped('journal_full', 4);
    await advance(60_000);
    const total = told.reduce((n, [, c]) => n + c, 0);
    expect(total).toBe(9);
    expect(told[0]).toEqual(['journal_full', 2]);
  });
});
