import type { HttpServer } from '@nestjs/common';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import type { BulkheadSlot, ReplayOverrides } from '../strategies/recovery-strategy.interface.js';
import { isReplaySafe } from './capture-policy.js';
import type { ErrorPipeline } from '../error-pipeline.js';
import type { CapturedError } from './captured-errors.js';
import type { RouteHandler } from './handler-wrapping.js';
import { snapshotRequest } from './request-snapshot.js';
import type { RouteGates } from './route-gates.js';
import type { HandlerRoutes, RouteSetup } from './route-resolver.js';
import type { SelfReplay } from './self-replay.js';

/** One call of a wrapped handler: what recovery needs to run it again and to answer. */
export interface HandlerCall {
  /** The controller instance (`this` of the handler). */
  readonly instance: unknown;
  readonly original: RouteHandler;
  /** The arguments Nest resolved (after pipes), as the handler got them. */
  readonly args: unknown[];
  /** The framework's response object (undefined outside an HTTP request). */
  readonly response: unknown;
  readonly h: HandlerRoutes;
}

/** The services a handler's error goes through. */
export interface HandlerErrorDeps {
  capture: ErrorPipeline;
  gates: RouteGates;
  selfReplay: SelfReplay;
  adapter: HttpServer;
  options: ResolvedErrorRecoveryOptions;
  replay: (overrides?: ReplayOverrides) => Promise<unknown>;
}

type RequestLike = { originalUrl?: string; url?: string; body?: unknown; headers?: Record<string, unknown> };

/**
 * Captures a handler's error with the handler in hand (undefined when it is not captured here):
 * the error `withRecovery` captured inside the handler is taken as is (one row, no second round of
 * retries); `capture: false`, an error that is not captured, and the module's own replays are left
 * to the filter, which answers them.
 */
export async function captureHandlerError(
  error: unknown,
  call: HandlerCall,
  request: object,
  setup: RouteSetup,
  slot: BulkheadSlot | undefined,
  deps: HandlerErrorDeps,
): Promise<CapturedError | undefined> {
  const { capture } = deps;
  const earlier = capture.earlier(error);
  if (earlier) {
    capture.remember(request, error, earlier);
    return earlier;
  }
  if (setup.options?.capture === false) {
    capture.decline(request, error);
    return undefined;
  }
  const req = request as RequestLike;
  if (!capture.shouldCapture(error, setup.options) || deps.selfReplay.isReplay(req)) return undefined;
  const snapshot = snapshotRequest(request, deps.options.capture);
  const replaySafe = isReplaySafe(snapshot.method, snapshot.headers, setup.options?.replaySafe) && !deps.adapter.isHeadersSent(call.response);
  const captured = await capture.capture(error, snapshot, {
    replay: deps.replay,
    replaySafe,
    routeOptions: setup.options,
    route: setup.route,
    controller: call.h.controller,
    slot,
    request: {
      raw: request,
      method: setup.route.method,
      url: req.originalUrl ?? req.url ?? '',
      headers: snapshot.headers,
      body: req.body,
      client: deps.gates.clientOf(request),
    },
  });
  capture.remember(request, error, captured);
  return captured;
}
