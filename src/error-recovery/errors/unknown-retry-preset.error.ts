import { isInstanceOf } from '../common/safe-read.js';

/** A retry policy was asked for by a name that is neither a preset nor configured in `retryPolicies`. */
export class UnknownRetryPresetError extends Error {
  constructor(
    readonly policy: string,
    readonly known: readonly string[],
  ) {
    super(
      `Unknown retry policy "${policy.slice(0, 100)}". Use one of: ${known.join(', ')}, ` +
        `or define it in ErrorRecoveryModule.forRoot({ retryPolicies: { "${policy.slice(0, 100)}": { ... } } }).`,
    );
    this.name = 'UnknownRetryPresetError';
  }
}

/** Never throws, whatever `e` is. */
export const isUnknownRetryPresetError = (e: unknown): e is UnknownRetryPresetError => isInstanceOf(e, UnknownRetryPresetError);
