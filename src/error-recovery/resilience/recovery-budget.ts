import type { Clock } from './clock.js';

/** The time recovery of one error may take. Its signal aborts when the time is up. */
export class RecoveryBudget {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  readonly deadline: number;

  constructor(
    private readonly clock: Clock,
    totalMs: number,
  ) {
    this.deadline = clock.now() + totalMs;
    this.timer = setTimeout(() => this.controller.abort(new Error('recovery budget exhausted')), totalMs);
    this.timer.unref();
  }

  /** Aborts when the budget is used up (or {@link dispose} is called). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return this.controller.signal.aborted ? 0 : Math.max(0, this.deadline - this.clock.now());
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new Error('recovery finished'));
  }
}
