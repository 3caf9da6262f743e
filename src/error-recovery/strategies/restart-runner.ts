import { messageOf } from '../common/error-text.js';
import type { Clock } from '../resilience/clock.js';
import type { RestartResult } from '../state/restart-history.registry.js';
import type { Restartable } from '../common/recovery-target.interface.js';

/**
 * Restarts `target`, then runs its health check when asked and it has one. Never rejects: a
 * throwing `restart()` or health check is a result, so a joined restart cannot fail its joiners.
 */
export async function restartTarget(target: Restartable, runHealthCheck: boolean, clock: Clock): Promise<RestartResult> {
  const startedAt = clock.now();
  const took = (): number => clock.now() - startedAt;
  try {
    await target.restart();
  } catch (error) {
    return { outcome: 'failed', detail: messageOf(error, 300), healthCheck: 'not_run', durationMs: took() };
  }
  if (!runHealthCheck) return { outcome: 'succeeded', healthCheck: 'skipped', durationMs: took() };
  if (!target.healthCheck) return { outcome: 'succeeded', healthCheck: 'none', durationMs: took() };
  try {
    const healthy = await target.healthCheck();
    if (healthy === false) return { outcome: 'unhealthy', detail: 'health check reported unhealthy', healthCheck: 'failed', durationMs: took() };
  } catch (error) {
    return { outcome: 'unhealthy', detail: messageOf(error, 300), healthCheck: 'failed', durationMs: took() };
  }
  return { outcome: 'succeeded', healthCheck: 'passed', durationMs: took() };
}

/**
 * `work`, or `undefined` when it takes longer than `ms`. The work goes on (a restart cannot be
 * aborted half-way); the timer is unref'd so it never holds the process open.
 */
export function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
