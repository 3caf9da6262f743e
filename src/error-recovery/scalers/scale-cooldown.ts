/**
 * At most one scale-up per scaler per cool-down window, and one at a time: concurrent errors
 * would otherwise each read the same size and scale it again before the first change shows.
 */
export class ScaleCooldown {
  private readonly lastScaledAt = new Map<string, number>();
  private readonly inFlight = new Set<string>();

  /** When the window of `name` ends, or undefined when it may scale now. */
  until(name: string, now: number, coolDownMs: number): number | undefined {
    const last = this.lastScaledAt.get(name);
    return last !== undefined && now < last + coolDownMs ? last + coolDownMs : undefined;
  }

  /** Claims `name` for one scale-up; false while another one runs. */
  begin(name: string): boolean {
    if (this.inFlight.has(name)) return false;
    this.inFlight.add(name);
    return true;
  }

  /** Releases `name`; `scaledAt` starts its window (only a real scale-up does). */
  end(name: string, scaledAt?: number): void {
    this.inFlight.delete(name);
    if (scaledAt !== undefined) this.lastScaledAt.set(name, scaledAt);
  }
}
