import { Injectable, Logger } from '@nestjs/common';

/** Where in the module a fault happened. */
export type FaultSite = 'filter' | 'interceptor' | 'capture' | 'recovery' | 'manual' | 'listener';

/**
 * Counters of the module itself. A fault is a bug or failure inside this module; when one happens
 * the app is answered as plain Nest would answer, and the fault is counted and logged here.
 */
@Injectable()
export class ErrorRecoveryStats {
  private readonly logger = new Logger('ErrorRecovery');
  captured = 0;
  recovered = 0;
  readonly faults: Record<FaultSite, number> = { filter: 0, interceptor: 0, capture: 0, recovery: 0, manual: 0, listener: 0 };

  fault(site: FaultSite, error: unknown): void {
    this.faults[site]++;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const effect = site === 'listener' ? 'a listener of the module\'s events failed; the request was not affected' : 'the request was answered without the module';
    this.logger.error(`internal fault in ${site} (${effect}): ${message.slice(0, 2000)}`);
  }
}
