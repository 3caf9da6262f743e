import type { JsonValue } from '../common/safe-serialize.js';
import type { Classification } from '../classify/classification.interface.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import type { RecoveryBudget } from '../resilience/recovery-budget.js';
import type { RecoveryTrigger } from '../plan/recovery-trigger.js';
import type { StrategyName } from '../plan/strategy-name.js';
import type { Clock } from '../resilience/clock.js';
import type { BulkheadSlot } from '../resilience/bulkhead-slot.interface.js';
import type { RetryBudgetWindow } from '../resilience/retry-budget.window.js';

/** A request's place in its route's bulkhead (declared in resilience/, which state/ implements without importing strategies/). */
export type { BulkheadSlot };

/** The route an error happened on. `key` names per-route state (breakers, timeouts, throttles). */
export interface RouteInfo {
  /** `METHOD pattern`, e.g. `GET /orders/:id`. */
  key: string;
  method: string;
  pattern: string;
  /**
   * Requests and retries of the route over the retry budget's window, when the route is in the
   * resolver's cache (absent for routes rebuilt from a stored row).
   */
  retryBudget?: RetryBudgetWindow;
}

/**
 * What strategies read of a route's `@AiErrorHandler()` settings. A narrow view rather than the
 * decorator's own options type, so the strategy contract depends on nothing in capture/ (the
 * decorator's options include the bulkhead's, whose registry implements {@link BulkheadSlot}).
 */
export interface RouteRecoveryOptions {
  /** Service name stored for errors of this route. */
  service?: string;
  /** Name of the circuit breaker guarding this route. */
  circuit?: string;
  /** `false` turns the breaker off for this route; any other value is a policy (read by the registry). */
  circuitBreaker?: object | false;
  /** Timeout of this route, ms; `0` turns it off. */
  timeoutMs?: number;
  /** The route's fallback: a method name of its controller, or a function called as `(error, request)`. */
  fallback?: string | ((error: unknown, request: unknown) => unknown);
  /** Name of the fallback chain the fallback strategy answers with first. */
  fallbackChain?: string;
}

/** The request in hand, for strategies that answer it another way (fallback) or forward it. */
export interface RequestInfo {
  /** The framework's request object, passed to the route's own fallback. */
  raw: unknown;
  method: string;
  /** Path and query string as received. */
  url: string;
  headers: Record<string, unknown>;
  body: unknown;
  /** Who sent it, for per-client effects: `user:<id>` when authenticated, else `ip:<address>`. */
  client?: string;
}

/** Changes a strategy may ask for when it runs the handler again. */
export interface ReplayOverrides {
  /** Timeout for this run of the handler, ms. Default: the route's timeout (which may be none). */
  timeoutMs?: number;
  /**
   * Longest this run may take whatever the timeout, ms: the executor sets it to the recovery budget
   * left, so a replay never outlives the budget.
   */
  maxMs?: number;
}

/** What a strategy is given to work with for one error. */
export interface RecoveryContext {
  errorId: string;
  error: unknown;
  classification: Classification;
  trigger: RecoveryTrigger;
  /**
   * Runs the original request handler again and resolves with its response value. Undefined when
   * the original request is not in hand (manual trigger, errors from middleware or guards). The
   * executor limits each run to the recovery budget left (`maxMs`).
   */
  replay?: (overrides?: ReplayOverrides) => Promise<unknown>;
  /** Why `replay` is missing, when more is known than "not in hand" (e.g. a stored query had secrets removed). */
  noReplayReason?: string;
  /** The route, when the error happened on one (also rebuilt from a stored row for manual runs). */
  route?: RouteInfo;
  /** `@AiErrorHandler()` settings of the route. */
  routeOptions?: RouteRecoveryOptions;
  /** The request, when the error happened on one that is still in hand. */
  request?: RequestInfo;
  /** The request's bulkhead slot, when its route declares a bulkhead. */
  slot?: BulkheadSlot;
  /** The controller class of the route, when the handler is in hand. */
  controller?: abstract new (...args: never[]) => unknown;
  /** Whether running the request again is safe (idempotent method, Idempotency-Key or route opt-in). */
  replaySafe: boolean;
  /** Retry settings in force for this route. */
  retry: ResolvedErrorRecoveryOptions['retry'];
  /** Strategy parameters in force for this route (module's, then the route's). */
  parameters: ResolvedErrorRecoveryOptions['parameters'];
  budget: RecoveryBudget;
  /**
   * Records a step the moment its effect happened (a pool grown, a breaker opened), before the
   * strategy returns: it is stored even if the strategy then overruns the budget or never settles.
   * Steps noted here are recorded before the returned ones; do not return them again. Set by the
   * executor (absent in contexts built by hand, e.g. in tests).
   */
  noteEffect?: (step: StrategyStep) => void;
  /**
   * Strategies planned after this one, in order; set by the executor (absent in contexts built by
   * hand). circuit_break leaves the count to the route wrapper while one of them may still serve.
   */
  laterSteps?: readonly StrategyName[];
  clock: Clock;
  /** Classifies a new error seen while recovering (e.g. the error of a replay). */
  classify(error: unknown): Classification;
}

/** One thing a strategy did (a retry attempt, a pool resize). Recorded as one recovery_action. */
export interface StrategyStep {
  success: boolean;
  skipped: boolean;
  /** For people reading the log; may name internals. Never sent to clients. */
  message: string;
  details?: { [key: string]: JsonValue };
  startedAt: number;
  durationMs: number;
}

/** What a strategy reports. */
export interface StrategyOutcome {
  /** True when the current request was served by this strategy; `result` is then the response value. */
  resolved: boolean;
  result?: unknown;
  /** Response headers to add when `resolved` (e.g. `X-Degraded`); `X-Recovery` defaults to the strategy name. */
  headers?: Record<string, string>;
  /** Every step taken, in order; at least one. */
  steps: StrategyStep[];
}

/**
 * A recovery strategy. `execute` must report what really happened: `skipped` with the reason
 * when it does not apply, `success` only for an effect that happened.
 */
export interface RecoveryStrategy {
  readonly name: string;
  execute(context: RecoveryContext): Promise<StrategyOutcome>;
  /**
   * Optional and synchronous: the message of the one `skipped` step `execute` would report for
   * `context` without acting, or undefined when it may act. A plan none of whose steps can act is
   * then reported without running anything (no budget timer, no promise). Must agree with `execute`.
   */
  skipReason?(context: Omit<RecoveryContext, 'budget'>): string | undefined;
}
