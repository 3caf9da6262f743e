import { isInstanceOf } from '../common/safe-read.js';

/** A health check was registered under a name another check already has. Nothing was replaced. */
export class DuplicateHealthCheckError extends Error {
  constructor(readonly checkName: string) {
    super(
      `A health check named "${checkName}" is already registered. Give each check its own name, ` +
        'or call HealthService.unregister() first to replace it.',
    );
    this.name = 'DuplicateHealthCheckError';
  }
}

/** Never throws, whatever `e` is. */
export const isDuplicateHealthCheckError = (e: unknown): e is DuplicateHealthCheckError => isInstanceOf(e, DuplicateHealthCheckError);
