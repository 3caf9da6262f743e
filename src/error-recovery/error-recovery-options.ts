import type { Severity } from './classify/classification.interface.js';
import type {
  CaptureOptions,
  CircuitBreakerOptions,
  ErrorRecoveryDatabaseOptions,
  ErrorRecoveryModuleOptions,
  BackgroundRetryOptions,
  ContextsOptions,
  RetryOptions,
} from './error-recovery-options.interface.js';
import type { StrategyMap } from './plan/strategy-name.js';
import type { AlertOutboxStore } from './alerts/outbox/alert-outbox-store.interface.js';
import { resolveHealthOptions, type ResolvedHealthOptions } from './health/health-options.interface.js';
import type { DeadLetterStore } from './dead-letters/dead-letter-store.interface.js';
import { resolveDeadLetterQueueOptions, type ResolvedDeadLetterQueueOptions } from './dead-letters/dead-letter-options.interface.js';
import { resolveAlertsOptions, type ResolvedAlertsOptions } from './alerts/resolve-alerts-options.js';
import type { ErrorLogStore } from './persistence/error-log-store.interface.js';
import { resolveWriterOptions, type ResolvedWriterOptions } from './persistence/resolve-writer-options.js';
import type { CircuitPolicy } from './resilience/circuit-state.js';
import { systemClock, type Clock } from './resilience/clock.js';
import type { CircuitStateStore } from './state/circuit-state.store.js';
import { checkedRetryPolicies } from './toolkit/retry/retry-presets.js';
import type { RetryPolicyOptions } from './toolkit/retry/retry-options.interface.js';
import type { RecoveryTargets, StrategyParameters } from './strategies/strategy-parameters.interface.js';
import type { ResolvedCheckpointsOptions } from './checkpoints/checkpoints-options.interface.js';
import { resolveCheckpointsOptions } from './checkpoints/resolve-checkpoints-options.js';
import type { ResolvedRedisOptions } from './redis/redis-options.interface.js';
import { resolveRedisOptions } from './redis/resolve-redis-options.js';
import type { CircuitBreakerSpec } from './toolkit/breakers/call-breaker-options.interface.js';
import type { FallbackChainDefinition } from './toolkit/fallback/fallback-chain-options.interface.js';

/** Options after defaults were applied: what every provider of the module reads. */
export interface ResolvedErrorRecoveryOptions {
  service: string;
  environment: string;
  isDevelopment: boolean;
  /**
   * The admin API answers without a token only when development was chosen explicitly
   * (`environment` option or NODE_ENV): an app that forgot NODE_ENV must not expose it.
   */
  openAdminWithoutToken: boolean;
  database: Required<Omit<ErrorRecoveryDatabaseOptions, 'url' | 'dataSource'>> &
    Pick<ErrorRecoveryDatabaseOptions, 'url' | 'dataSource'>;
  store?: ErrorLogStore;
  capture: Required<CaptureOptions>;
  writer: ResolvedWriterOptions;
  recoveryTimeoutMs: number;
  /** Module-wide route timeout, ms; 0: none (the default). */
  routeTimeoutMs: number;
  recoveryEnabled: boolean;
  strategyMap: StrategyMap;
  retry: Required<RetryOptions>;
  circuitBreaker: CircuitPolicy;
  parameters: ResolvedStrategyParameters;
  targets: RecoveryTargets;
  circuitStateStore?: CircuitStateStore;
  priorityHeader?: string;
  clientTracker?: (request: unknown) => string;
  severityOverrides: Record<string, Severity>;
  exposeDetails: boolean;
  adminToken?: string;
  clock: Clock;
  alerts: ResolvedAlertsOptions;
  alertOutboxStore?: AlertOutboxStore;
  deadLetterStore?: DeadLetterStore;
  deadLetters: ResolvedDeadLetterQueueOptions;
  contexts: ResolvedContextsOptions;
  /** The configured retry policies by name, each checked. */
  retryPolicies: Readonly<Record<string, RetryPolicyOptions>>;
  checkpoints: ResolvedCheckpointsOptions;
  /** Absent when neither `redis.url` nor `redis.client` is set. */
  redis?: ResolvedRedisOptions;
  health: ResolvedHealthOptions;
  breakers: Readonly<Record<string, CircuitBreakerSpec>>;
  fallbackChains: Readonly<Record<string, FallbackChainDefinition>>;
}

/** Retries of background work, every field set; `attempts` 1 means none. */
export type ResolvedBackgroundRetry = Required<BackgroundRetryOptions>;

export interface ResolvedContextsOptions extends Required<Omit<ContextsOptions, 'rpcEventRetry'>> {
  rpcEventRetry: ResolvedBackgroundRetry;
}

/** No retry: one run. */
export const NO_BACKGROUND_RETRY: ResolvedBackgroundRetry = Object.freeze({ attempts: 1, delayMs: 1000, factor: 2, maxDelayMs: 30_000 });

/** `options` over the defaults; out-of-range numbers are brought into range (at least one run, no negative delay). */
export function resolveBackgroundRetry(options: BackgroundRetryOptions | false | undefined, fallback: ResolvedBackgroundRetry = NO_BACKGROUND_RETRY): ResolvedBackgroundRetry {
  if (options === false) return NO_BACKGROUND_RETRY;
  const finite = (v: number | undefined, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return {
    attempts: Math.max(1, Math.floor(finite(options?.attempts, fallback.attempts))),
    delayMs: Math.max(0, finite(options?.delayMs, fallback.delayMs)),
    factor: Math.max(1, finite(options?.factor, fallback.factor)),
    maxDelayMs: Math.max(0, finite(options?.maxDelayMs, fallback.maxDelayMs)),
  };
}

/** What an `@EventPattern` handler gets when nothing is configured. */
export const DEFAULT_RPC_EVENT_RETRY: ResolvedBackgroundRetry = Object.freeze({ attempts: 3, delayMs: 1000, factor: 2, maxDelayMs: 30_000 });

function resolveContexts(options: ContextsOptions | undefined): ResolvedContextsOptions {
  return {
    graphql: options?.graphql ?? true,
    rpc: options?.rpc ?? true,
    ws: options?.ws ?? true,
    jobs: options?.jobs ?? true,
    queues: options?.queues ?? true,
    events: options?.events ?? true,
    rpcEventRetry: resolveBackgroundRetry(options?.rpcEventRetry, DEFAULT_RPC_EVENT_RETRY),
    processErrors: options?.processErrors ?? false,
  };
}

/** Headers stored by default. Sensitive ones are kept only as `[Filtered]` so their presence shows. */
export const DEFAULT_CAPTURED_HEADERS = [
  'user-agent',
  'content-type',
  'content-length',
  'accept',
  'referer',
  'host',
  'x-request-id',
  'x-correlation-id',
  'x-forwarded-for',
  'idempotency-key',
  'authorization',
  'cookie',
  'x-api-key',
];

/** Every strategy parameter, with defaults applied. */
export type ResolvedStrategyParameters = { [K in keyof StrategyParameters]-?: Required<NonNullable<StrategyParameters[K]>> };

function envFlag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name]?.toLowerCase();
  return raw === undefined || raw === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(raw);
}

/** Product defaults of the strategies, merged under the app's parameters. */
export function resolveParameters(p: StrategyParameters, env: NodeJS.ProcessEnv): ResolvedStrategyParameters {
  return {
    // No route timeout unless the app asks for one: a slow but healthy route must not fail.
    timeout_increase: { currentTimeoutMs: 0, newTimeoutMs: 15_000, incrementPercent: 200, coolDownMs: 300_000, ...p.timeout_increase },
    cache_clear: { cacheType: 'all', clearPattern: null, graceful: true, coolDownMs: 30_000, onAnyError: false, ...p.cache_clear },
    pool_increase: { incrementPercent: 150, ceiling: 50, coolDownMs: 300_000, dataSource: null, ...p.pool_increase },
    resource_scale: {
      resourceType: 'cpu',
      scaleFactor: 1.5,
      autoScale: envFlag(env, 'AUTO_SCALE_ON_ERROR') ?? false,
      maxScaleFactor: envNumber(env, 'MAX_SCALE_FACTOR') ?? 3,
      coolDownMs: 300_000,
      scalers: [],
      ...p.resource_scale,
    },
    fallback: {
      staleCache: false,
      staleMaxEntries: 500,
      staleMaxBytes: 8 * 1024 * 1024,
      staleMaxAgeMs: 300_000,
      staleIncludeAuthenticated: false,
      upstreamUrl: '',
      upstreamTimeoutMs: 3000,
      upstreamMaxBytes: 1024 * 1024,
      ...p.fallback,
    },
    queue_priority: { boostFactor: 2, ...p.queue_priority },
    request_throttle: { requestsPerMinute: 100, burstSize: 10, coolDownMs: 300_000, scope: 'route', ...p.request_throttle },
    service_restart: {
      graceful: true,
      timeoutSeconds: 30,
      healthCheck: true,
      maxRestarts: 3,
      windowMs: 600_000,
      target: null,
      dataSource: null,
      ...p.service_restart,
    },
  };
}

const DEVELOPMENT = new Set(['development', 'dev', 'local']);

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The one place where defaults live. `env` is injectable for tests. */
export function resolveOptions(
  options: ErrorRecoveryModuleOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => undefined,
): ResolvedErrorRecoveryOptions {
  const environment = options.environment ?? env.NODE_ENV ?? 'development';
  const isDevelopment = DEVELOPMENT.has(environment.toLowerCase());
  const explicitDevelopment = isDevelopment && (options.environment !== undefined || env.NODE_ENV !== undefined);
  const resolved = resolveParameters(options.parameters ?? {}, env);
  const routeTimeoutMs = Math.max(0, options.routeTimeoutMs ?? resolved.timeout_increase.currentTimeoutMs);
  // One value, read under either name.
  const parameters = { ...resolved, timeout_increase: { ...resolved.timeout_increase, currentTimeoutMs: routeTimeoutMs } };
  return {
    service: options.service ?? 'app',
    environment,
    isDevelopment,
    openAdminWithoutToken: explicitDevelopment,
    database: {
      url: options.database?.url,
      dataSource: options.database?.dataSource,
      dataDir: options.database?.dataDir ?? './data',
      embedded: options.database?.embedded ?? false,
      poolSize: options.database?.poolSize ?? 3,
      migrationsRun: options.database?.migrationsRun ?? true,
      connectTimeoutMs: options.database?.connectTimeoutMs ?? 5000,
      queryTimeoutMs: options.database?.queryTimeoutMs ?? 10_000,
    },
    store: options.store,
    capture: {
      statuses: options.capture?.statuses ?? [],
      headers: (options.capture?.headers ?? DEFAULT_CAPTURED_HEADERS).map((h) => h.toLowerCase()),
      includeBody: options.capture?.includeBody ?? true,
      maxMessageLength: options.capture?.maxMessageLength ?? 2000,
      maxStackLength: options.capture?.maxStackLength ?? 8000,
      maxContextBytes: options.capture?.maxContextBytes ?? 16384,
    },
    writer: resolveWriterOptions(options.writer, options.service ?? 'app'),
    recoveryTimeoutMs: options.recoveryTimeoutMs ?? envNumber(env, 'ERROR_RECOVERY_TIMEOUT') ?? 5000,
    routeTimeoutMs,
    recoveryEnabled: options.recoveryEnabled ?? true,
    strategyMap: options.strategyMap ?? {},
    retry: {
      maxRetries: options.retry?.maxRetries ?? 3,
      // Short delays: an in-request retry must fit the recovery budget and the client's patience.
      delayMs: options.retry?.delayMs ?? 50,
      maxDelayMs: options.retry?.maxDelayMs ?? 500,
      backoff: options.retry?.backoff ?? 'exponential',
      jitter: options.retry?.jitter ?? true,
      budgetRatio: options.retry?.budgetRatio ?? 0.5,
      budgetMinRetries: options.retry?.budgetMinRetries ?? 10,
      budgetWindowMs: options.retry?.budgetWindowMs ?? 10_000,
    },
    circuitBreaker: { ...DEFAULT_CIRCUIT_POLICY, ...toCircuitPolicy(options.circuitBreaker ?? {}) },
    circuitStateStore: options.circuitStateStore,
    parameters,
    targets: options.targets ?? {},
    priorityHeader: options.priorityHeader?.toLowerCase(),
    clientTracker: options.clientTracker,
    severityOverrides: options.severityOverrides ?? {},
    exposeDetails: explicitDevelopment && options.exposeDetails === true,
    adminToken: options.adminToken ?? (env.ERROR_RECOVERY_ADMIN_TOKEN || undefined),
    clock: options.clock ?? systemClock,
    alerts: resolveAlertsOptions(options.alerts, env, warn),
    alertOutboxStore: options.alertOutboxStore,
    deadLetterStore: options.deadLetterStore,
    deadLetters: resolveDeadLetterQueueOptions(options.deadLetters),
    contexts: resolveContexts(options.contexts),
    retryPolicies: checkedRetryPolicies(options.retryPolicies ?? {}),
    checkpoints: resolveCheckpointsOptions(options.checkpoints),
    redis: resolveRedisOptions(options.redis),
    health: resolveHealthOptions(options.health),
    breakers: options.breakers ?? {},
    fallbackChains: options.fallbackChains ?? {},
  };
}

/** The parameters in force on a route: the module's, with the route's on top. */
export function routeParameters(base: ResolvedStrategyParameters, route?: StrategyParameters): ResolvedStrategyParameters {
  if (!route) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(route)) merged[key] = { ...(base as Record<string, object>)[key], ...value };
  return merged as ResolvedStrategyParameters;
}

/**
 * The product's breaker policy: 5 consecutive failures, or ≥ 50 % failures of ≥ 20 calls in 10 s;
 * open 5 s × consecutive trips, at most 60 s (one trip forgiven per 60 s closed); 1 probe, freed after 30 s.
 */
export const DEFAULT_CIRCUIT_POLICY: Readonly<CircuitPolicy> = {
  failureThreshold: 5,
  failureRateThreshold: 50,
  minimumCalls: 20,
  windowMs: 10_000,
  openMs: 5_000,
  maxOpenMs: 60_000,
  halfOpenRequests: 1,
  probeTimeoutMs: 30_000,
};

/** The policy fields set by breaker options (module-wide or a route's), seconds turned into ms. */
export function toCircuitPolicy(o: CircuitBreakerOptions): Partial<CircuitPolicy> {
  const ms = (seconds: number | undefined): number | undefined => (seconds === undefined ? undefined : seconds * 1000);
  const fields: Partial<Record<keyof CircuitPolicy, number | undefined>> = {
    failureThreshold: o.failureThreshold,
    failureRateThreshold: o.failureRateThreshold,
    minimumCalls: o.minimumCalls,
    windowMs: ms(o.windowSeconds),
    openMs: ms(o.timeoutSeconds),
    maxOpenMs: ms(o.maxTimeoutSeconds),
    halfOpenRequests: o.halfOpenRequests,
    probeTimeoutMs: ms(o.probeTimeoutSeconds),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<CircuitPolicy>;
}
