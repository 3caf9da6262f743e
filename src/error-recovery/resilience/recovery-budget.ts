import type { Clock } from './clock.js';

/**
 * The time recovery of one error may take. Its signal aborts when the time is up (or when recovery
 * is over). The AbortController and the reasons' Errors are made only for a strategy that reads
 * `signal`: most recoveries never do, and each of those costs more than the rest of the budget.
 */
export class RecoveryBudget {
  private state: 'running' | 'exhausted' | 'finished' = 'running';
  private controller: AbortController | undefined;
  private overrunPromise: Promise<'overrun'> | undefined;
  private onOverrun: ((value: 'overrun') => void) | undefined;
  private readonly timer: NodeJS.Timeout;
  readonly deadline: number;

  constructor(
    private readonly clock: Clock,
    totalMs: number,
  ) {
    this.deadline = clock.now() + totalMs;
    this.timer = setTimeout(() => this.end('exhausted'), totalMs);
    this.timer.unref();
  }

  /** Aborts when the budget is used up (or {@link dispose} is called). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.state !== 'running') this.controller.abort(reasonFor(this.state));
    }
    return this.controller.signal;
  }

  /** Settles with `'overrun'` when the budget is used up; never when recovery finishes in time. */
  get overrun(): Promise<'overrun'> {
    this.overrunPromise ??= new Promise<'overrun'>((resolve) => {
      if (this.state === 'exhausted') resolve('overrun');
      else this.onOverrun = resolve;
    });
    return this.overrunPromise;
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return this.state !== 'running' ? 0 : Math.max(0, this.deadline - this.clock.now());
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.end('finished');
  }

  private end(state: 'exhausted' | 'finished'): void {
    if (this.state !== 'running') return;
    this.state = state;
    if (state === 'exhausted') this.onOverrun?.('overrun');
    this.onOverrun = undefined;
    this.controller?.abort(reasonFor(state));
  }
}

const reasonFor = (state: 'exhausted' | 'finished'): Error =>
  new Error(state === 'exhausted' ? 'recovery budget exhausted' : 'recovery finished');
