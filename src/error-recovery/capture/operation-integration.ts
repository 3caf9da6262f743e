import type { ArgumentsHost } from '@nestjs/common';
import type { CapturedError } from './captured-errors.js';
import type { OperationHandler, OperationMethod } from './operation-wrapping.js';
import type { RequestSnapshot } from './request-snapshot.js';

/** A class, as Nest's metadata knows it. */
export type ClassRef = abstract new (...args: never[]) => unknown;

/**
 * One kind of work outside HTTP whose methods the module wraps: GraphQL resolvers, message
 * handlers, scheduled jobs, queue processors, event listeners. Integrations recognise their methods
 * by the metadata their package's decorators leave (string keys: the package itself is an optional
 * peer and is never imported for this).
 */
export interface OperationIntegration {
  /** For logs: `graphql`, `rpc`, `job`… */
  readonly name: string;
  /**
   * True when the integration reads `@AiErrorHandler({ capture: false })` itself (GraphQL must also
   * keep the filter from storing the declined error). Otherwise the explorer leaves such a method to
   * plain Nest: not registered at all.
   */
  readonly readsCaptureOption?: boolean;
  /**
   * Whether `methodName` of `classRef` is work of this integration. Called once per method while
   * the app is being built — before any instance exists — so it reads metadata only.
   */
  selects(classRef: ClassRef, methodName: string, method: OperationMethod): boolean;
  /**
   * The handler of the calls of that method on one instance (a static provider or controller of the
   * app); undefined leaves this instance as plain Nest runs it.
   */
  handler(instance: object, classRef: ClassRef, methodName: string): OperationHandler | undefined;
}

/** The integrations the module runs (`OperationIntegration[]`). */
export const OPERATION_INTEGRATIONS = Symbol('OPERATION_INTEGRATIONS');

/**
 * How the exception filter answers an error of one host type that is not HTTP (`graphql`, `rpc`,
 * `ws`): what it stores about the operation, and the answer in that protocol.
 */
export interface ContextAnswer {
  /** `host.getType()` this answers. */
  readonly type: string;
  /**
   * False for an error this context answers without storing it: its protocol's own client-facing
   * error (a WsException), its context turned off in the options, or its operation declined capture.
   * The filter then stores nothing and `answer` gets no capture. Absent: the module's capture policy.
   */
  captures?(host: ArgumentsHost, exception: unknown): boolean;
  /**
   * The capture this context's wrapper made of this very error and handed on to the filter, taken
   * once; undefined when none. Kept per context, not in the pipeline's `rethrown`: a wrapper whose
   * error never reaches the module's filter (a hybrid app's microservice without `inheritAppConfig`)
   * must not leave its capture to an error object that another context throws later.
   */
  earlier?(exception: unknown): CapturedError | undefined;
  /** What is stored when the filter is the first to see the error. Must not throw (the filter guards it anyway). */
  snapshot(host: ArgumentsHost, exception: unknown): RequestSnapshot;
  /**
   * The answer: what the filter returns to Nest for this host type (an Observable for RPC, an
   * Error for GraphQL, nothing for WebSockets after emitting). `captured` settles with the capture,
   * or undefined when the error is not captured (ordinary client errors): then answer as plain Nest.
   */
  answer(exception: unknown, host: ArgumentsHost, captured: Promise<CapturedError | undefined>): unknown;
}

/** The answers of the non-HTTP host types (`ContextAnswer[]`). */
export const CONTEXT_ANSWERS = Symbol('CONTEXT_ANSWERS');
