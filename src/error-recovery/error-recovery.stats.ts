import { Injectable } from '@nestjs/common';
import { messageOf, stackOf } from './common/error-text.js';
import { ModuleLogger } from './common/log-line.js';

/** Where in the module a fault happened. */
export type FaultSite = 'filter' | 'interceptor' | 'capture' | 'recovery' | 'manual' | 'listener' | 'operation';

/**
 * Counters of the module itself. A fault is a bug or failure inside this module; when one happens
 * the app is answered as plain Nest would answer, and the fault is counted and logged here.
 */
@Injectable()
export class ErrorRecoveryStats {
  private readonly logger = new ModuleLogger();
  captured = 0;
  recovered = 0;
  readonly faults: Record<FaultSite, number> = { filter: 0, interceptor: 0, capture: 0, recovery: 0, manual: 0, listener: 0, operation: 0 };

  /** Counts and logs a fault. Never throws, whatever `error` is (a hostile value's own fault may be hostile too). */
  fault(site: FaultSite, error: unknown): void {
    this.faults[site]++;
    try {
      // Safe reads only: the fault may be a Proxy whose every trap throws. The stack is escaped
      // onto the one line by the logger, so a hostile message cannot forge records.
      const message = stackOf(error, 2000) ?? messageOf(error, 2000);
      const effect = site === 'listener' ? 'a listener of the module\'s events failed; the request was not affected' : site === 'operation' ? 'the work ran as plain Nest runs it, without the module' : 'the request was answered without the module';
      this.logger.error(`internal fault in ${site} (${effect}): ${message}`);
    } catch {
      // Logging failed (an app logger that throws): the fault is still counted.
    }
  }
}
