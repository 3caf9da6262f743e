import type { ErrorRecoveryModuleOptions } from '../error-recovery/index.js';

/** What the demo needs to know; main.ts fills it from the environment, tests from their fixture. */
export interface DemoConfig {
  /** PostgreSQL URL for the demo's own data and for the error store. Unset: embedded PGlite. */
  databaseUrl?: string;
  /** PGlite directory when no URL is given. Default `./data`. */
  dataDir?: string;
  /** Options passed to ErrorRecoveryModule.forRoot (merged over the demo's). */
  errorRecovery?: ErrorRecoveryModuleOptions;
}
