import type { Clock } from './clock.js';

/** A clock for specs whose sleeps return at once and move time on by the delay; the delays are kept. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(public time = 1_000_000) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}
