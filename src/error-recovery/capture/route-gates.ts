import { HTTP_CODE_METADATA, REDIRECT_METADATA } from '@nestjs/common/constants.js';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import { isSensitiveKey } from '../common/scrub.js';
import { routeParameters, type ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { CircuitOpenError } from '../errors/circuit-open.error.js';
import { RequestThrottledError } from '../errors/request-throttled.error.js';
import { PRIORITIES, type Priority } from '../resilience/priority-bulkhead.js';
import { CircuitBreakerRegistry, type BreakerCall } from '../state/circuit-breaker.registry.js';
import { baseRouteTimeout, RouteTimeouts } from '../state/route-timeouts.registry.js';
import { StaleResponseCache } from '../state/stale-response.cache.js';
import { ThrottleRegistry } from '../state/throttle.registry.js';
import { callRouteFallback, degraded } from '../strategies/fallback-answers.js';
import { FallbackChains } from '../toolkit/fallback/fallback-chains.service.js';
import { isObservable } from 'rxjs';
import type { HandlerRoutes, RouteSetup } from './route-resolver.js';

interface RequestLike {
  method?: string;
  originalUrl?: string;
  url?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  user?: { id?: unknown; sub?: unknown } | null;
}

const ALLOWED = { allowed: true } as const;

/** Longest delay a Node timer (and `AbortSignal.timeout`) holds, ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** What happens before the handler runs. */
export type Admission =
  | { kind: 'refuse'; error: Error }
  | { kind: 'fallback'; open: CircuitOpenError; staleKey: string | null }
  | { kind: 'run'; timeoutMs: number; staleKey: string | null; breaker: BreakerCall | null };

/**
 * The per-request checks that the recovery strategies' effects put in place: an active throttle,
 * an open breaker (answered by the route's fallback when it has one), the route's timeout, and
 * whether the response may be kept as a stale fallback. Each costs a Map lookup when inactive.
 */
@Injectable()
export class RouteGates {
  constructor(
    private readonly breakers: CircuitBreakerRegistry,
    private readonly throttles: ThrottleRegistry,
    private readonly timeouts: RouteTimeouts,
    private readonly stale: StaleResponseCache,
    private readonly moduleRef: ModuleRef,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly chains: FallbackChains,
  ) {}

  /**
   * Whether any gate set by recovery may be active on some route (a throttle, a breaker's state).
   * Two size reads: while false, a route with no declared gate skips {@link admit} altogether.
   */
  get anyActive(): boolean {
    return this.throttles.any || !this.breakers.idle;
  }

  /** Synchronous: the gated path must not pay for a promise here. */
  admit(h: HandlerRoutes, request: RequestLike, setup: RouteSetup): Admission {
    const key = setup.route.key;
    const throttle = this.throttles.active ? this.throttles.check(key, this.clientOf(request)) : ALLOWED;
    if (!throttle.allowed) return { kind: 'refuse', error: new RequestThrottledError(key, throttle.retryAfterMs) };
    let breaker: BreakerCall | null = null;
    // No state: a healthy breaker, nothing to count until a failure creates one (on the error path).
    if (setup.breaker && this.breakers.hasState(setup.breaker)) {
      const decision = this.breakers.admit(setup.breaker);
      if (!decision.allow) {
        const open = new CircuitOpenError(setup.breaker, decision.retryAfterMs);
        // The fallbacks a failing handler gets (its chain, own fallback, last good response) answer while it is open too.
        const staleKey = this.staleKey(h, request, setup);
        const none = setup.options?.fallback === undefined && setup.options?.fallbackChain === undefined && staleKey === null;
        return none ? { kind: 'refuse', error: open } : { kind: 'fallback', open, staleKey };
      }
      breaker = decision.call;
    }
    // A server-sent event stream has no answer time: a timeout would cut it between two events.
    const timeoutMs = h.sse ? 0 : this.timeoutFor(setup);
    return { kind: 'run', timeoutMs, staleKey: this.staleKey(h, request, setup), breaker };
  }

  /**
   * An open breaker on a route with a fallback: the route's fallback chain answers, else its own
   * fallback, else the last good response kept under `staleKey` (when the route keeps them), marked
   * degraded as the fallback strategy marks them. Rejects with `open` when none has anything to send
   * (a chain with no answer, a fallback that returns `undefined` or throws has nothing).
   */
  async answerOpen(
    h: Pick<HandlerRoutes, 'controller'>,
    request: RequestLike,
    setup: RouteSetup,
    open: CircuitOpenError,
    staleKey: string | null = null,
  ): Promise<{ value: unknown; headers: Record<string, string> }> {
    const chain = setup.options?.fallbackChain;
    if (chain !== undefined) {
      // Its providers have breakers of their own: the route's being open says nothing about them.
      const answer = await this.chains.execute(chain, { input: { error: open, request } }).catch(() => undefined);
      if (answer?.value !== undefined) return { value: answer.value, headers: degraded('fallback-chain') };
    }
    let answer: { value: unknown } | undefined;
    try {
      answer = await callRouteFallback(
        { routeOptions: setup.options, controller: h.controller, error: open, request: { raw: request, method: setup.route.method, url: request.originalUrl ?? '', headers: request.headers ?? {}, body: undefined } },
        this.moduleRef,
      );
    } catch {
      // A failing fallback is no answer either. Its error is not the client's answer: that would be
      // a 500 and a stored error for every request the open breaker refuses (the fallback strategy
      // records the fallback's failures as a failed step when the route itself fails).
      answer = undefined;
    }
    if (answer?.value !== undefined) return { value: answer.value, headers: degraded('fallback') };
    const hit = staleKey === null ? undefined : this.stale.get(staleKey, this.parameters(setup).staleMaxAgeMs);
    if (hit) return { value: hit.value, headers: degraded('fallback-stale', { Age: String(Math.floor(hit.ageMs / 1000)) }) };
    // Nothing to send is no answer: the client gets the breaker's 503.
    throw open;
  }

  /** Who a request comes from, for per-client throttles: the app's `clientTracker`, else {@link clientKey}. */
  clientOf(request: RequestLike): string | undefined {
    const tracker = this.options.clientTracker;
    if (tracker) {
      try {
        const key = tracker(request);
        // Prefixed so an app's key can never collide with a default `user:`/`ip:` one.
        if (typeof key === 'string' && key !== '') return `tracker:${key}`;
      } catch {
        // The app's tracker failed on this request: count it as the default would, never fail it.
      }
    }
    return clientKey(request);
  }

  /** Priority of a request: the trusted header when configured and valid, else the route's. */
  priorityOf(request: RequestLike, routePriority: Priority = 'normal'): Priority {
    const header = this.options.priorityHeader ? request.headers?.[this.options.priorityHeader] : undefined;
    return typeof header === 'string' && (PRIORITIES as readonly string[]).includes(header) ? (header as Priority) : routePriority;
  }

  /**
   * Timeout in force on the route, ms (0: none — the default: route timeouts are opt-in). Infinity or
   * NaN is none; beyond a Node timer's range (~24.8 days) it is that range, as a longer timer fires at once.
   */
  timeoutFor(setup: RouteSetup): number {
    const ms = this.timeouts.current(setup.route.key, baseRouteTimeout(setup.options, this.options.routeTimeoutMs));
    if (!(ms > 0) || ms === Infinity) return 0;
    return Math.min(ms, MAX_TIMER_MS);
  }

  /** Keeps a good response for the fallback strategy. */
  keep(staleKey: string, value: unknown, setup: RouteSetup): void {
    if (value === undefined || isSendOnce(value) || isObservable(value)) return;
    const p = this.parameters(setup);
    this.stale.set(staleKey, value, { maxEntries: p.staleMaxEntries, maxBytes: p.staleMaxBytes }, setup.route.key);
  }

  private staleKey(h: HandlerRoutes, request: RequestLike, setup: RouteSetup): string | null {
    if (setup.route.method !== 'GET') return null;
    const p = this.parameters(setup);
    if (!p.staleCache) return null;
    if (!p.staleIncludeAuthenticated && isPersonal(request)) return null;
    const handler = h.handler;
    const code: unknown = Reflect.getMetadata(HTTP_CODE_METADATA, handler);
    if ((typeof code === 'number' && (code < 200 || code > 299)) || Reflect.getMetadata(REDIRECT_METADATA, handler)) return null;
    return StaleResponseCache.key(setup.route.key, request.originalUrl ?? request.url ?? '');
  }

  private parameters(setup: RouteSetup): ResolvedErrorRecoveryOptions['parameters']['fallback'] {
    return setup.options?.parameters?.fallback
      ? routeParameters(this.options.parameters, setup.options.parameters).fallback
      : this.options.parameters.fallback;
  }
}

/**
 * Whether a response can be sent once only: a Node stream (`pipe`), a web ReadableStream
 * (`getReader`) or Nest's StreamableFile (`getStream`). Once sent it is consumed, so a kept copy
 * would later answer with an empty 200.
 */
function isSendOnce(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { pipe?: unknown; getReader?: unknown; getStream?: unknown };
  return typeof v.pipe === 'function' || typeof v.getReader === 'function' || typeof v.getStream === 'function';
}

/**
 * Whether a response may be meant for one caller only: an authenticated user, or any credential-like
 * header (Authorization, Cookie, X-Api-Key, tokens, sessions…). Such responses are never kept as
 * stale fallbacks, or one caller's data could be served to another.
 */
function isPersonal(request: RequestLike): boolean {
  if (request.user !== undefined && request.user !== null) return true;
  return Object.keys(request.headers ?? {}).some((name) => isSensitiveKey(name));
}

/**
 * Who a per-client throttle counts by default: the authenticated user, else the client address as
 * the adapter reports it (undefined when there is neither: no per-client throttle then) (`request.ip`: Express and Fastify derive it from X-Forwarded-For only when
 * their trust-proxy setting says so). The header itself is never read here: any client can set it.
 */
export function clientKey(request: RequestLike): string | undefined {
  const user = request.user?.id ?? request.user?.sub;
  if (typeof user === 'string' || typeof user === 'number') return `user:${user}`;
  // No address (a Unix socket): unknown, not one "ip:unknown" key that every such client would share
  // — a per-client throttle on it would refuse them all.
  return typeof request.ip === 'string' && request.ip !== '' ? `ip:${request.ip}` : undefined;
}
