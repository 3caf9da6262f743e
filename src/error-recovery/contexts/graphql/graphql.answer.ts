import { Inject, Injectable, type ArgumentsHost } from '@nestjs/common';
import type { CapturedError } from '../../capture/captured-errors.js';
import type { ContextAnswer } from '../../capture/operation-integration.js';
import type { RequestSnapshot } from '../../capture/request-snapshot.js';
import { ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { graphqlClientError } from './graphql-client-error.js';
import { graphqlSnapshot, readGraphqlOperation } from './graphql-operation.js';

/**
 * How the exception filter answers an error of a GraphQL resolver: a captured error becomes a
 * field error carrying `extensions.code` and `extensions.error_id`, with a user-safe message; any
 * other error goes on exactly as plain Nest lets it (rethrown, for the driver to format). The
 * filter sees the errors of guards, pipes and interceptors, and those the resolver wrapper
 * captured and handed on.
 */
@Injectable()
export class GraphqlAnswer implements ContextAnswer {
  readonly type = 'graphql';

  constructor(@Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions) {}

  /** Errors of resolvers that declined capture (`@AiErrorHandler({ capture: false })`), each taken once. */
  private readonly declined = new WeakSet<object>();

  /** The resolver wrapper hands on an error its resolver declined to have captured. */
  decline(error: unknown): void {
    if (typeof error === 'object' && error !== null) this.declined.add(error);
  }

  /** `contexts.graphql: false` leaves GraphQL errors to plain Nest: nothing stored, nothing changed; so does a resolver's `capture: false`. */
  captures(_host: ArgumentsHost, exception: unknown): boolean {
    if (typeof exception === 'object' && exception !== null && this.declined.delete(exception)) return false;
    return this.options.contexts.graphql;
  }

  /** The operation, from the resolver's arguments as the host holds them: `[root, args, context, info]`. */
  snapshot(host: ArgumentsHost, _exception: unknown): RequestSnapshot {
    return graphqlSnapshot(readGraphqlOperation(host.getArgs<unknown[]>()[3], 'unknown'), this.options.capture);
  }

  /**
   * A promise for the resolver's result, which Nest hands to graphql-js: it rejects with the
   * client's error (graphql-js makes it the field's entry in `errors[]`, the other fields keep their
   * data), or with the original error when it was not captured — as plain Nest's filter rethrows it.
   */
  async answer(exception: unknown, _host: ArgumentsHost, captured: Promise<CapturedError | undefined>): Promise<never> {
    const done = await captured;
    throw done ? graphqlClientError(done, this.options.exposeDetails) : exception;
  }
}
