import { Inject, Injectable } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { restartAllowance } from './restart-window.js';

/** How a restart ended. */
export type RestartOutcome = 'succeeded' | 'failed' | 'unhealthy';

/** One restart as it went. */
export interface RestartResult {
  outcome: RestartOutcome;
  /** The error of a failed restart or health check. */
  detail?: string;
  /** `none`: the target has no health check; `skipped`: `healthCheck: false`; `not_run`: the restart failed. */
  healthCheck: 'passed' | 'failed' | 'skipped' | 'none' | 'not_run';
  durationMs: number;
}

/** Restarts of one target, as the API lists them. */
export interface RestartHistoryView {
  name: string;
  restarts_in_window: number;
  max_restarts: number;
  window_ms: number;
  total_restarts: number;
  last_restart_at: string | null;
  /** `in_progress` while a restart runs (also one that outlived its timeout). */
  last_outcome: RestartOutcome | 'in_progress' | null;
}

/** A claim on a restart: allowed (and counted), or refused by the limit. */
export type RestartClaim = { allowed: true; inWindow: number } | { allowed: false; inWindow: number; nextAllowedAt?: number };

interface History {
  at: number[];
  maxRestarts: number;
  windowMs: number;
  total: number;
  lastOutcome: RestartOutcome | null;
  running?: Promise<RestartResult>;
}

/**
 * Restarts per target: the limit (`maxRestarts` per `windowMs`), the restart in progress (so two
 * failing requests restart a target once, the second joining the first), and the outcomes.
 */
@Injectable()
export class RestartHistoryRegistry {
  private readonly histories = new Map<string, History>();

  constructor(@Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions) {}

  /**
   * Counts a restart of `name` now if the limit allows it. Synchronous, so that concurrent
   * recoveries cannot both pass the check.
   */
  claim(name: string, maxRestarts: number, windowMs: number): RestartClaim {
    const now = this.options.clock.now();
    const history = this.history(name);
    history.maxRestarts = maxRestarts;
    history.windowMs = windowMs;
    const allowance = restartAllowance(history.at, now, maxRestarts, windowMs);
    history.at = allowance.inWindow;
    if (!allowance.allowed) return { allowed: false, inWindow: allowance.inWindow.length, nextAllowedAt: allowance.nextAllowedAt };
    history.at.push(now);
    history.total++;
    return { allowed: true, inWindow: history.at.length };
  }

  /** The restart of `name` in progress, if one is. */
  running(name: string): Promise<RestartResult> | undefined {
    return this.histories.get(name)?.running;
  }

  /** Follows a claimed restart: it is `running` until it settles, then its outcome is kept. */
  track(name: string, restart: Promise<RestartResult>): void {
    const history = this.history(name);
    history.running = restart;
    void restart
      .then(
        (result) => (history.lastOutcome = result.outcome),
        () => (history.lastOutcome = 'failed'),
      )
      .finally(() => {
        if (history.running === restart) history.running = undefined;
      });
  }

  /** Every target restarted (or refused) so far, for the admin API. */
  list(): RestartHistoryView[] {
    const now = this.options.clock.now();
    return [...this.histories.entries()].map(([name, h]) => {
      const last = h.at.at(-1);
      return {
        name,
        restarts_in_window: h.at.filter((t) => now - t < h.windowMs).length,
        max_restarts: h.maxRestarts,
        window_ms: h.windowMs,
        total_restarts: h.total,
        last_restart_at: last === undefined ? null : new Date(last).toISOString(),
        last_outcome: h.running ? 'in_progress' : h.lastOutcome,
      };
    });
  }

  private history(name: string): History {
    let history = this.histories.get(name);
    if (!history) {
      history = { at: [], maxRestarts: 0, windowMs: 0, total: 0, lastOutcome: null };
      this.histories.set(name, history);
    }
    return history;
  }
}
