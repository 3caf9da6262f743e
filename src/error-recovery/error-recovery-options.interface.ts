import type { DataSource } from 'typeorm';
import type { Severity } from './classify/classification.interface.js';
import type { ErrorLogStore } from './persistence/error-log-store.interface.js';
import type { BackoffKind } from './resilience/backoff.js';
import type { Clock } from './resilience/clock.js';
import type { CircuitStateStore } from './state/circuit-state.store.js';
import type { RecoveryTargets, StrategyParameters } from './strategies/strategy-parameters.interface.js';
import type { StrategyMap } from './plan/strategy-name.js';
import type { AlertsOptions } from './alerts/alerts-options.interface.js';
import type { AlertOutboxStore } from './alerts/outbox/alert-outbox-store.interface.js';
import type { RetryPolicyOptions } from './toolkit/retry/retry-options.interface.js';
import type { CheckpointsOptions } from './checkpoints/checkpoints-options.interface.js';
import type { RedisOptions } from './redis/redis-options.interface.js';
import type { HealthOptions } from './health/health-options.interface.js';
import type { CircuitBreakerOptions } from './resilience/circuit-breaker-options.interface.js';
import type { CircuitBreakerSpec } from './toolkit/breakers/call-breaker-options.interface.js';
import type { FallbackChainDefinition } from './toolkit/fallback/fallback-chain-options.interface.js';

export type { CircuitBreakerOptions } from './resilience/circuit-breaker-options.interface.js';
import type { DeadLetterStore } from './dead-letters/dead-letter-store.interface.js';
import type { DeadLetterQueueOptions } from './dead-letters/dead-letter-options.interface.js';

/** Where the module keeps `error_logs`. The module always uses a DataSource (and pool) of its own. */
export interface ErrorRecoveryDatabaseOptions {
  /** PostgreSQL URL, e.g. `postgres://user:pass@host:5432/db`. */
  url?: string;
  /**
   * An existing TypeORM DataSource of the app. Its connection options are reused for a separate
   * DataSource with its own small pool, so an exhausted app pool never blocks error logging.
   */
  dataSource?: DataSource;
  /** Embedded PGlite directory, used when neither `url` nor `dataSource` is given. Default `./data`; `memory://` keeps it in memory. */
  dataDir?: string;
  /**
   * Use the embedded PGlite on purpose. Required in production (`environment`, else NODE_ENV, is
   * `production` or `prod`) when neither `url`, `dataSource` nor a custom `store` is given: there the
   * module refuses to start (`EmbeddedDatabaseInProductionError`) rather than keep errors in a local
   * directory unnoticed. Default false.
   */
  embedded?: boolean;
  /** Max connections of the module's own pool. Default 3. */
  poolSize?: number;
  /** Run the module's migrations when it starts. Default true. */
  migrationsRun?: boolean;
  /** Connection timeout of the module's pool, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Longest a query of the module may take (server `statement_timeout` and client timeout), ms. Default 10000. */
  queryTimeoutMs?: number;
}

/** What gets captured and how much of it is kept. */
export interface CaptureOptions {
  /**
   * Extra HTTP statuses to capture besides the defaults (every non-HttpException error, every 5xx,
   * 401, 403 and 429), e.g. `[404, 422]`. Default `[]`.
   */
  statuses?: number[];
  /** Request headers stored in `context.headers` (case-insensitive, secrets scrubbed). */
  headers?: string[];
  /** Store the (scrubbed, capped) request body in `context.body`. Default true. */
  includeBody?: boolean;
  /** Max stored message length, characters. Default 2000. */
  maxMessageLength?: number;
  /** Max stored stack length, characters. Default 8000. */
  maxStackLength?: number;
  /** Max size of the stored context JSON, bytes. Default 16384. */
  maxContextBytes?: number;
}

/**
 * The journal: where the writer spills captured errors on local disk when the store falls behind or
 * is down, instead of dropping them; replayed in order, exactly once, when the store catches up or
 * after a restart (by any process of this service on this host that finds it).
 */
export interface WriterJournalOptions {
  /**
   * Directory of the journal files. Default `./.error-recovery-journal/<service>` (under the working
   * directory); when that cannot be written (a read-only container) the writer falls back to
   * `<os tmpdir>/nest-error-recovery-journal/<service>`, and when neither can, it works without a
   * journal (errors beyond `maxQueue` are dropped and counted, as before). Nothing is created on
   * disk until the first spill.
   */
  dir?: string;
  /** Bytes the journal may hold (this process's files and the ones it took over). Beyond, errors are dropped as `journal_full` and alerted. Default 268435456 (256 MiB). */
  maxBytes?: number;
}

/** The background writer that batches rows into the store. */
export interface WriterOptions {
  /** Rows per INSERT. Default 500. */
  batchSize?: number;
  /** Batches written at the same time (each on its own connection of the pool). Default 2. */
  concurrency?: number;
  /** Longest time a captured error waits before it is written, ms. Default 25. */
  flushIntervalMs?: number;
  /**
   * Rows held in memory at most. With the journal on, new errors go to the journal once
   * `spillAbove` rows wait (or the store is down); without it, errors beyond `maxQueue` are dropped
   * and counted. Default 10000.
   */
  maxQueue?: number;
  /** Rows waiting in memory above which new errors are spilled to the journal. Default 5000 (capped at `maxQueue`). */
  spillAbove?: number;
  /** The on-disk journal; `false` turns it off. Default on, see {@link WriterJournalOptions}. */
  journal?: WriterJournalOptions | false;
  /** Ceiling of the retry delay after a failed write, ms. Default 5000. */
  maxRetryDelayMs?: number;
  /** How long shutdown waits for the queue to drain, ms. Default 5000. */
  shutdownTimeoutMs?: number;
}

/**
 * Settings of the `retry` strategy. Product defaults: 3 retries, short delays (base 50 ms, ceiling
 * 500 ms, exponential, full jitter) sized to fit the recovery budget, and a per-route retry budget of
 * 50 % of requests + 10 retries per 10 s.
 */
export interface RetryOptions {
  /** Retries after the first failure. Default 3. */
  maxRetries?: number;
  /** Base delay, ms. Default 50. A delay never takes more than its share of the recovery budget. */
  delayMs?: number;
  /** Ceiling of one delay, ms. Default 500. */
  maxDelayMs?: number;
  /** Growth of the delay. Default `exponential`. */
  backoff?: BackoffKind;
  /** Full jitter on each delay. Default true. */
  jitter?: boolean;
  /**
   * Retry budget of a route: retries per request it may add over `budgetWindowMs`. Default 0.5 (a
   * 30 %-flaky dependency needs about 0.43 for three attempts). `Infinity` turns the budget off.
   */
  budgetRatio?: number;
  /** Retries a route may always make per window, whatever its traffic. Default 10. */
  budgetMinRetries?: number;
  /** Rolling window of the retry budget, ms. Default 10000. Read once per route. */
  budgetWindowMs?: number;
}

/**
 * Retries of work that runs outside a request (a job, an event): a failed run is run again after a
 * delay that grows by `factor` per attempt, up to `maxDelayMs`. Every attempt is recorded on the
 * error's row as a `retry` action.
 */
export interface BackgroundRetryOptions {
  /** Runs in all, the first one included; 1: no retry. */
  attempts?: number;
  /** Delay before the first retry, ms. Default 1000. */
  delayMs?: number;
  /** Growth of the delay per retry. Default 2. */
  factor?: number;
  /** Ceiling of one delay, ms. Default 30000. */
  maxDelayMs?: number;
}

/**
 * Work outside HTTP. Each context is captured when its package is installed and the app uses it;
 * `false` leaves that context as plain Nest has it (no wrapping, no capture; an RPC error that reaches
 * the module's filter is still stored, without its context, as before these options existed).
 */
export interface ContextsOptions {
  /** GraphQL resolvers (`@nestjs/graphql`). Default true. */
  graphql?: boolean;
  /** Microservice handlers, `@MessagePattern` and `@EventPattern` (`@nestjs/microservices`). Default true. */
  rpc?: boolean;
  /** WebSocket gateways (`@nestjs/websockets`). Default true. */
  ws?: boolean;
  /** `@Cron`, `@Interval`, `@Timeout` jobs (`@nestjs/schedule`). Default true. */
  jobs?: boolean;
  /** BullMQ processors (`@nestjs/bullmq`). Default true. */
  queues?: boolean;
  /** `@OnEvent` listeners (`@nestjs/event-emitter`). Default true. */
  events?: boolean;
  /**
   * Retries of a failed `@EventPattern` handler before its payload goes to `dead_letters`.
   * Default `{ attempts: 3, delayMs: 1000, factor: 2, maxDelayMs: 30000 }`; `false`: no retry.
   * `@BackgroundRetry()` on a handler overrides it.
   */
  rpcEventRetry?: BackgroundRetryOptions | false;
  /**
   * The last net: record `unhandledRejection` and `uncaughtExceptionMonitor` errors of the process
   * (flushed before the process goes on as it would without the module). Default false.
   */
  processErrors?: boolean;
}

/** Options of `ErrorRecoveryModule.forRoot()` / the factory of `forRootAsync()`. */
export interface ErrorRecoveryModuleOptions {
  /** Name stored with every error. Default `app`. */
  service?: string;
  /** `development` lowers severities one level; anything else keeps the table. Default `NODE_ENV` or `development`. */
  environment?: string;
  /**
   * Where errors are stored. Default: embedded PGlite in `./data` — outside production only, or with
   * `database.embedded: true` (see there).
   */
  database?: ErrorRecoveryDatabaseOptions;
  /** Replace the storage backend entirely (the default is the TypeORM store on `database`). */
  store?: ErrorLogStore;
  capture?: CaptureOptions;
  writer?: WriterOptions;
  /** Total time recovery may take for one error, ms. Default env `ERROR_RECOVERY_TIMEOUT` or 5000. */
  recoveryTimeoutMs?: number;
  /**
   * Timeout enforced on every route, ms; `@AiErrorHandler({ timeoutMs })` per route.
   * Default `0`: no route timeout, so a slow but healthy route answers exactly as without the module.
   * Replaces `parameters.timeout_increase.currentTimeoutMs`, which is still read when this is unset.
   */
  routeTimeoutMs?: number;
  /** Turn automatic recovery off (errors are still captured). Default true. */
  recoveryEnabled?: boolean;
  /** errorType → strategies, merged over the product's map. */
  strategyMap?: StrategyMap;
  retry?: RetryOptions;
  circuitBreaker?: CircuitBreakerOptions;
  /** Parameters of the strategies, over the product defaults (`@AiErrorHandler({ parameters })` per route). */
  parameters?: StrategyParameters;
  /** Targets of the strategies' effects. */
  targets?: RecoveryTargets;
  /** Where breaker states live. Default: in this process. */
  circuitStateStore?: CircuitStateStore;
  /**
   * Request header carrying a request's priority (`low`, `normal`, `high`, `critical`) for route
   * bulkheads. Only set it when a proxy you trust sets or strips that header. Default: none.
   */
  priorityHeader?: string;
  /**
   * Who a request comes from, for per-client throttles (like @nestjs/throttler's `getTracker`):
   * given the adapter's request object, returns a stable key (e.g. an API key's tenant). Default:
   * `user:<req.user.id or sub>` when authenticated, else `ip:<request.ip>` — the adapter's client
   * address, which follows its trust-proxy setting (Express `app.set('trust proxy', …)`, Fastify
   * `trustProxy`); X-Forwarded-For is never read by the module itself. A tracker that throws or
   * returns no string falls back to the default.
   */
  clientTracker?: (request: unknown) => string;
  /** Per-errorType severity overrides. */
  severityOverrides?: Record<string, Severity>;
  /**
   * Put the error message and stack into client responses. Honoured only when `environment` is
   * `development`; ignored (with a warning) anywhere else. Default false.
   */
  exposeDetails?: boolean;
  /** Bearer token for the admin endpoints. Default env `ERROR_RECOVERY_ADMIN_TOKEN`. */
  adminToken?: string;
  /** Clock for delays, budgets, alert windows and backoff. Default the system clock. */
  clock?: Clock;
  /** Alerts by e-mail, webhook, Slack and Telegram. Also read from environment variables (see README). */
  alerts?: AlertsOptions;
  /** Replace the alert outbox (default: tables next to `error_logs`). */
  alertOutboxStore?: AlertOutboxStore;
  /** Replace the dead-letter store (default: the table `dead_letters` next to `error_logs`). */
  deadLetterStore?: DeadLetterStore;
  /** The persistent dead-letter queue: its processor, backoff, payload cap and alert threshold. See `DeadLetterQueueOptions`. */
  deadLetters?: DeadLetterQueueOptions;
  /** GraphQL, microservices, WebSockets, jobs, queues, event listeners and the process's last net. */
  contexts?: ContextsOptions;
  /**
   * Named retry policies for `RetryPolicies.get(name)` and `@Retry(name)`, e.g.
   * `{ payments: { preset: 'external_api', maxAttempts: 2 } }`; a preset's name replaces that preset.
   * Checked at start-up (an unknown preset or a negative number is a start-up error). Default `{}`.
   */
  retryPolicies?: Record<string, RetryPolicyOptions>;
  /** The checkpoint store: limits, default TTL, or a store of your own. */
  checkpoints?: CheckpointsOptions;
  /** Redis shared by the module's instances (checkpoints). Default: none; the module works without it. */
  redis?: RedisOptions;
  /**
   * Health checks of the store, the app's DataSources and registered dependencies: interval,
   * timeout, freshness (see `HealthOptions`). `false`: no checks run (the readiness probe always
   * answers ready). Default `{ intervalMs: 30000, timeoutMs: 2000, maxAgeMs: 5000 }`.
   */
  health?: HealthOptions | false;
  /**
   * Call breakers declared by name for `CircuitBreakers.execute()` and `@CircuitBreaker()`: a preset
   * (`'ai_model'`, `'database'`, `'external_api'`) or options. Default: none.
   */
  breakers?: Record<string, CircuitBreakerSpec>;
  /** Fallback chains by name, for `FallbackChains.execute()` and `@AiErrorHandler({ fallbackChain })`. Default: none. */
  fallbackChains?: Record<string, FallbackChainDefinition>;
}
