import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { catchError, from, isObservable, lastValueFrom } from 'rxjs';
import type { AiErrorHandlerOptions } from '../../capture/ai-error-handler-options.interface.js';
import type { ClassRef, OperationIntegration } from '../../capture/operation-integration.js';
import type { OperationHandler, OperationMethod } from '../../capture/operation-wrapping.js';
import { replayTimeout } from '../../capture/with-timeout.js';
import { withinRouteTimeout } from '../../capture/within-route-timeout.js';
import { isArray, isObjectLike, isThenable, readProp } from '../../common/safe-read.js';
import { ErrorPipeline, type CapturedError } from '../../error-pipeline.js';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { GraphqlAnswer } from './graphql.answer.js';
import { graphqlClientError } from './graphql-client-error.js';
import { infoArgument, type InfoArgument } from './graphql-info-argument.js';
import { GRAPHQL_MODULE_OPTIONS, RESOLVER_NAME_METADATA, RESOLVER_PROPERTY_METADATA, RESOLVER_REFERENCE_METADATA, RESOLVER_TYPE_METADATA } from './graphql-metadata.constants.js';
import { graphqlSnapshot, readGraphqlOperation } from './graphql-operation.js';

/** One resolver method as its calls need it, made once per instance. */
interface Resolver {
  readonly classRef: ClassRef;
  readonly info: InfoArgument;
  /** `<Type>.<field>` from the metadata, for a call without `info`. */
  readonly field: string;
  readonly options: AiErrorHandlerOptions | undefined;
  /** A field resolver Nest runs without exception filters: its errors reach no filter, so it answers them itself. */
  readonly answersItself: boolean;
}

/**
 * GraphQL resolvers (`@Query`, `@Mutation`, `@ResolveField` of `@nestjs/graphql`; not
 * subscriptions): a failed call is captured with its operation (type, name, field path, scrubbed
 * variables) and recovered with the resolver in hand — queries (and the fields of a query) may be
 * run again, mutations only with `@AiErrorHandler({ replaySafe: true })`. A recovered call returns
 * the recovered value; otherwise the same error goes on to Nest's filters, where {@link GraphqlAnswer}
 * answers it under the stored row's id.
 */
@Injectable()
export class GraphqlIntegration implements OperationIntegration {
  readonly name = 'graphql';
  readonly readsCaptureOption = true;
  private fieldFilters?: boolean;

  constructor(
    private readonly pipeline: ErrorPipeline,
    private readonly stats: ErrorRecoveryStats,
    private readonly moduleRef: ModuleRef,
    private readonly answers: GraphqlAnswer,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  /**
   * Query, mutation and field resolvers. Selecting one with parameters also declares the INFO
   * parameter its calls need: GraphQL reads param metadata when it builds its resolvers, which may
   * be before {@link handler} runs.
   */
  selects(classRef: ClassRef, methodName: string, method: OperationMethod): boolean {
    if (!this.options.contexts.graphql) return false;
    const type: unknown = Reflect.getMetadata(RESOLVER_TYPE_METADATA, method);
    const root = type === 'Query' || type === 'Mutation';
    const field = Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, method) === true && Reflect.getMetadata(RESOLVER_REFERENCE_METADATA, method) !== true;
    if (!root && !field) return false;
    infoArgument(classRef, methodName);
    return true;
  }

  handler(_instance: object, classRef: ClassRef, methodName: string): OperationHandler {
    const method = (classRef.prototype as Record<string, object>)[methodName];
    const name = (Reflect.getMetadata(RESOLVER_NAME_METADATA, method) as string | undefined) ?? methodName;
    const root = Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, method) !== true;
    const resolver: Resolver = {
      classRef,
      info: infoArgument(classRef, methodName),
      field: `${root ? String(Reflect.getMetadata(RESOLVER_TYPE_METADATA, method)) : classRef.name}.${name}`,
      options: (Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, method) ?? Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, classRef)) as AiErrorHandlerOptions | undefined,
      answersItself: !root && !this.filtersOnFields(),
    };
    const { index, added } = resolver.info;
    return (self, args, original) => {
      const info = args[index];
      // The resolver sees exactly the arguments it declared.
      if (added && args.length > index) args.length = index;
      let result: unknown;
      try {
        result = original.apply(self, args);
      } catch (error) {
        return this.failed(error, resolver, info, () => original.apply(self, args));
      }
      if (isThenable(result)) return result.then(undefined, (error: unknown) => this.failed(error, resolver, info, () => original.apply(self, args)));
      // An Observable stays one (the app's interceptors see every emission): one catchError on it.
      if (isObservable(result)) return result.pipe(catchError((error: unknown) => from(this.failed(error, resolver, info, () => original.apply(self, args)))));
      return result;
    };
  }

  /**
   * A failed call: captured and recovered. Resolves with the recovered value, or rejects with the
   * same error (handed to the filter as captured), or — where no filter will see it — with the
   * client's error.
   */
  private async failed(error: unknown, resolver: Resolver, info: unknown, run: () => unknown): Promise<unknown> {
    if (!this.pipeline.shouldCapture(error, resolver.options)) {
      if (resolver.options?.capture === false) this.answers.decline(error);
      throw error;
    }
    let captured: CapturedError | undefined;
    try {
      const operation = readGraphqlOperation(info, resolver.field);
      captured = await this.pipeline.capture(error, graphqlSnapshot(operation, this.options.capture), {
        replay: async (overrides) => {
          const value = await withinRouteTimeout(run, replayTimeout(overrides, resolver.options?.timeoutMs ?? 0), this.options.clock);
          return isObservable(value) ? lastValueFrom(value, { defaultValue: undefined }) : value;
        },
        replaySafe: resolver.options?.replaySafe ?? operation.operationType === 'query',
        routeOptions: resolver.options,
        controller: resolver.classRef,
      });
    } catch (fault) {
      this.stats.fault('operation', fault);
    }
    if (!captured) throw error;
    if (captured.report.success) return captured.report.result;
    if (resolver.answersItself) throw graphqlClientError(captured, this.options.exposeDetails);
    // The filter finds the capture by the thrown object: a thrown primitive goes on as the client's error.
    const handed = isObjectLike(error) ? error : graphqlClientError(captured, this.options.exposeDetails);
    this.pipeline.rethrown(handed, captured);
    throw handed;
  }

  /** Whether the app's GraphQL runs exception filters on field resolvers (`fieldResolverEnhancers: ['filters']`). */
  private filtersOnFields(): boolean {
    if (this.fieldFilters === undefined) {
      let enhancers: unknown;
      try {
        enhancers = readProp(this.moduleRef.get(GRAPHQL_MODULE_OPTIONS, { strict: false }), 'fieldResolverEnhancers');
      } catch {
        // No GraphQLModule in this app (a resolver class alone): nothing runs filters on its fields.
      }
      this.fieldFilters = isArray(enhancers) && enhancers.includes('filters');
    }
    return this.fieldFilters;
  }
}
