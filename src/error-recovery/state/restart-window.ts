/** Whether a target may be restarted now, and the restarts that count against the limit. */
export interface RestartAllowance {
  allowed: boolean;
  /** Restart times (ms) inside the window, oldest first. */
  inWindow: number[];
  /** When the oldest restart in the window leaves it (ms); set when not allowed. */
  nextAllowedAt?: number;
}

/**
 * At most `maxRestarts` restarts of one target in any `windowMs`: a restart counts while it is less
 * than `windowMs` old. A target restarting in a loop is a fault no restart fixes.
 */
export function restartAllowance(restartTimes: readonly number[], now: number, maxRestarts: number, windowMs: number): RestartAllowance {
  const inWindow = restartTimes.filter((t) => now - t < windowMs).sort((a, b) => a - b);
  if (inWindow.length < maxRestarts) return { allowed: true, inWindow };
  if (maxRestarts < 1) return { allowed: false, inWindow };
  return { allowed: false, inWindow, nextAllowedAt: inWindow[inWindow.length - maxRestarts] + windowMs };
}
