import type { FallbackChainStats, FallbackTierStats } from './fallback-chain-options.interface.js';

/** A tier's counters; the mean latency is derived from the total when read. */
type TierCounter = Omit<FallbackTierStats, 'meanLatencyMs'> & { totalMs: number };

/** Running statistics of one chain and its tiers (counters only: constant memory). */
export class FallbackChainCounters {
  private executions = 0;
  private staticAnswers = 0;
  private exhausted = 0;
  private readonly tiers: TierCounter[];

  constructor(
    private readonly name: string,
    providers: readonly string[],
  ) {
    this.tiers = providers.map((provider) => ({ provider, calls: 0, successes: 0, failures: 0, timeouts: 0, skippedOpen: 0, totalMs: 0 }));
  }

  started(): void {
    this.executions++;
  }

  skipped(tier: number): void {
    this.tiers[tier].skippedOpen++;
  }

  /** A call of tier `tier` ended after `ms`. */
  called(tier: number, ms: number, outcome: 'success' | 'failure' | 'timeout'): void {
    const t = this.tiers[tier];
    t.calls++;
    t.totalMs += Math.max(0, ms);
    if (outcome === 'success') t.successes++;
    else t.failures++;
    if (outcome === 'timeout') t.timeouts++;
  }

  servedStatic(): void {
    this.staticAnswers++;
  }

  failedAll(): void {
    this.exhausted++;
  }

  snapshot(): FallbackChainStats {
    const tiers: FallbackTierStats[] = this.tiers.map(({ totalMs, ...counts }) => ({
      ...counts,
      meanLatencyMs: counts.calls === 0 ? null : Math.round(totalMs / counts.calls),
    }));
    return { name: this.name, executions: this.executions, tiers, staticAnswers: this.staticAnswers, exhausted: this.exhausted };
  }
}
