import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { messageOf } from './common/error-text.js';
import { ModuleLogger } from './common/log-line.js';
import { ScheduleModule } from '@nestjs/schedule';
import type { DataSource } from 'typeorm';
import { DiscoveryModule } from '@nestjs/core';
import { RouteGates } from './capture/route-gates.js';
import { RouteResolver } from './capture/route-resolver.js';
import { SelfReplay } from './capture/self-replay.js';
import { RouteTimeouts } from './state/route-timeouts.registry.js';
import { StaleResponseCache } from './state/stale-response.cache.js';
import { ThrottleRegistry } from './state/throttle.registry.js';
import { FallbackStrategy } from './strategies/fallback.strategy.js';
import { QueuePriorityStrategy } from './strategies/queue-priority.strategy.js';
import { BulkheadRegistry } from './state/bulkhead.registry.js';
import { RequestThrottleStrategy } from './strategies/request-throttle.strategy.js';
import { TimeoutIncreaseStrategy } from './strategies/timeout-increase.strategy.js';
import { RecoveryEvents } from './events/recovery-events.js';
import { CircuitBreakerRegistry } from './state/circuit-breaker.registry.js';
import { InMemoryCircuitStateStore } from './state/circuit-state.store.js';
import { CircuitBreakStrategy } from './strategies/circuit-break.strategy.js';
import { StrategyExplorer } from './strategies/strategy.explorer.js';
import { PoolIncreaseStrategy } from './strategies/pool-increase.strategy.js';
import { ServiceRestartStrategy } from './strategies/service-restart.strategy.js';
import { PoolSizesRegistry } from './state/pool-sizes.registry.js';
import { CacheClearStrategy } from './strategies/cache-clear.strategy.js';
import { ResourceScaleStrategy } from './strategies/resource-scale.strategy.js';
import { ScaleHistory } from './scalers/scale.history.js';
import { CacheClearHistory } from './targets/cache-clear.history.js';
import { CacheTargets } from './targets/cache-targets.js';
import { ScalerTargets } from './targets/scaler-targets.js';
import { RestartHistoryRegistry } from './state/restart-history.registry.js';
import { DataSourceTargets } from './targets/data-source.targets.js';
import { RestartableTargetExplorer } from './targets/restartable-target.explorer.js';
import { RestartableTargetRegistry } from './targets/restartable-target.registry.js';
import { ErrorCaptureFilter } from './capture/error-capture.filter.js';
import { ErrorPipeline } from './error-pipeline.js';
import { RouteExplorer } from './capture/route-explorer.js';
import { OperationExplorer } from './capture/operation-explorer.js';
import { CONTEXT_ANSWERS, OPERATION_INTEGRATIONS, type ContextAnswer, type OperationIntegration } from './capture/operation-integration.js';
import { BackgroundRunner } from './contexts/background-runner.js';
import { ProcessErrorNet } from './contexts/process/process-error-net.js';
import { CONTEXT_ANSWER_CLASSES, OPERATION_INTEGRATION_CLASSES } from './contexts/context-integrations.js';
import { RouteRecovery } from './capture/route-recovery.js';
import { CIRCUIT_STATE_STORE, DEAD_LETTER_STORE, ERROR_LOG_STORE, ERROR_RECOVERY_DATA_SOURCE, ERROR_RECOVERY_OPTIONS } from './error-recovery.constants.js';
import { AlertDeliveryWorker } from './alerts/alert-delivery.worker.js';
import { AlertQueue } from './alerts/alert-queue.js';
import { AlertRouter } from './alerts/alert-router.js';
import { createAlertChannels } from './alerts/alert-channels.factory.js';
import { ALERT_CHANNELS, ALERT_OUTBOX_STORE } from './alerts/alerts.constants.js';
import { AlertsService } from './alerts/alerts.service.js';
import { TypeOrmAlertOutboxStore } from './alerts/outbox/typeorm-alert-outbox.store.js';
import { ErrorRecoveryLifecycle } from './error-recovery.lifecycle.js';
import { ERROR_RECOVERY_MODULE_OPTIONS, ErrorRecoveryConfigurableModule } from './error-recovery.module-definition.js';
import type { ErrorRecoveryModuleOptions } from './error-recovery-options.interface.js';
import { resolveOptions, type ResolvedErrorRecoveryOptions } from './error-recovery-options.js';
import { ErrorRecoveryStats } from './error-recovery.stats.js';
import { RecoveryExecutor } from './execute/recovery-executor.js';
import { AdminTokenGuard } from './http/admin-token.guard.js';
import { ErrorLogWriter } from './persistence/error-log.writer.js';
import { createErrorRecoveryDataSource, isEmbedded } from './persistence/error-recovery-data-source.js';
import { assertRealStoreInProduction } from './production-store.js';
import { TypeOrmErrorLogStore } from './persistence/typeorm-error-log.store.js';
import { TypeOrmDeadLetterStore } from './dead-letters/typeorm-dead-letter.store.js';
import { DeadLetterWriter } from './dead-letters/dead-letter.writer.js';
import { DEAD_LETTER_SERVICES } from './dead-letters/dead-letter-services.js';
import { RecoveryService } from './recovery.service.js';
import { RetryStrategy } from './strategies/retry.strategy.js';
import { HEALTH_PROVIDERS, HEALTH_SERVICES } from './health/health.providers.js';
import { StrategyRegistry } from './strategies/strategy-registry.js';
import { RetryPolicies } from './toolkit/retry/retry-policies.service.js';
import { CHECKPOINT_PROVIDERS } from './checkpoints/checkpoint-store.provider.js';
import { CHECKPOINT_STORE } from './checkpoints/checkpoints.constants.js';
import { RedisConnection } from './redis/redis-connection.js';
import { CircuitBreakers } from './toolkit/breakers/circuit-breakers.service.js';
import { CircuitBreakerExplorer } from './toolkit/breakers/circuit-breaker.explorer.js';
import { FallbackChains } from './toolkit/fallback/fallback-chains.service.js';

const logger = new ModuleLogger();

function moduleDataSource(options: ResolvedErrorRecoveryOptions): Promise<DataSource> {
  return createErrorRecoveryDataSource(options.database, (error) =>
    logger.warn(`error store connection lost: ${messageOf(error, 300)}`),
  );
}

/** The strategies that ship with the module; the app's own are found by `@RegisterStrategy()`. */
const BUILT_IN_STRATEGIES = [RetryStrategy, CircuitBreakStrategy, TimeoutIncreaseStrategy, RequestThrottleStrategy, FallbackStrategy, QueuePriorityStrategy, PoolIncreaseStrategy, ServiceRestartStrategy, CacheClearStrategy, ResourceScaleStrategy];

/** Exported too: the enhancers behind @AiErrorHandler() are built in the modules that use it. */
const SERVICES = [
  StrategyRegistry,
  RecoveryEvents,
  CircuitBreakerRegistry,
  RouteTimeouts,
  ThrottleRegistry,
  StaleResponseCache,
  BulkheadRegistry,
  SelfReplay,
  DataSourceTargets,
  PoolSizesRegistry,
  RestartableTargetRegistry,
  RestartHistoryRegistry,
  CacheTargets,
  CacheClearHistory,
  ScalerTargets,
  ScaleHistory,
  RouteResolver,
  RouteGates,
  ErrorRecoveryStats,
  ErrorLogWriter,
  RecoveryExecutor,
  ErrorPipeline,
  RecoveryService,
  ErrorCaptureFilter,
  RouteRecovery,
  BackgroundRunner,
  DeadLetterWriter,
  ...DEAD_LETTER_SERVICES,
  AdminTokenGuard,
  AlertRouter,
  AlertQueue,
  AlertDeliveryWorker,
  AlertsService,
  RetryPolicies,
  ...HEALTH_SERVICES,
  CircuitBreakers,
  FallbackChains,
];

/**
 * Captures, classifies, stores and recovers the app's errors.
 *
 * @example
 * ```ts
 * @Module({ imports: [ErrorRecoveryModule.forRoot({ service: 'orders', database: { url: process.env.DATABASE_URL } })] })
 * export class AppModule {}
 * ```
 */
@Module({
  imports: [
    DiscoveryModule,
    // A private, non-global instance that only provides a SchedulerRegistry for the alert worker:
    // the app's own ScheduleModule (and its @Cron/@Interval jobs) is neither replaced nor run twice.
    { ...ScheduleModule.forRoot({ cronJobs: false, intervals: false, timeouts: false }), global: false },
  ],
  providers: [
    {
      provide: ERROR_RECOVERY_OPTIONS,
      // No database in production is a start-up error (unless `database.embedded` says so).
      useFactory: (options: ErrorRecoveryModuleOptions) => assertRealStoreInProduction(resolveOptions(options, process.env, (m) => logger.warn(m))),
      inject: [ERROR_RECOVERY_MODULE_OPTIONS],
    },
    {
      provide: ERROR_RECOVERY_DATA_SOURCE,
      useFactory: moduleDataSource,
      inject: [ERROR_RECOVERY_OPTIONS],
    },
    {
      provide: ERROR_LOG_STORE,
      useFactory: (options: ResolvedErrorRecoveryOptions, dataSource: DataSource) =>
        options.store ?? new TypeOrmErrorLogStore(dataSource, options.database.migrationsRun, isEmbedded(options.database)),
      inject: [ERROR_RECOVERY_OPTIONS, ERROR_RECOVERY_DATA_SOURCE],
    },
    {
      provide: ALERT_OUTBOX_STORE,
      useFactory: (options: ResolvedErrorRecoveryOptions, dataSource: DataSource) =>
        options.alertOutboxStore ?? new TypeOrmAlertOutboxStore(dataSource, options.database.migrationsRun, isEmbedded(options.database)),
      inject: [ERROR_RECOVERY_OPTIONS, ERROR_RECOVERY_DATA_SOURCE],
    },
    {
      provide: DEAD_LETTER_STORE,
      useFactory: (options: ResolvedErrorRecoveryOptions, dataSource: DataSource) =>
        options.deadLetterStore ?? new TypeOrmDeadLetterStore(dataSource, options.database.migrationsRun, isEmbedded(options.database)),
      inject: [ERROR_RECOVERY_OPTIONS, ERROR_RECOVERY_DATA_SOURCE],
    },
    {
      provide: ALERT_CHANNELS,
      useFactory: (options: ResolvedErrorRecoveryOptions) => createAlertChannels(options.alerts),
      inject: [ERROR_RECOVERY_OPTIONS],
    },
    ErrorRecoveryLifecycle,
    {
      provide: CIRCUIT_STATE_STORE,
      useFactory: (options: ResolvedErrorRecoveryOptions) => options.circuitStateStore ?? new InMemoryCircuitStateStore(),
      inject: [ERROR_RECOVERY_OPTIONS],
    },
    StrategyExplorer,
    RestartableTargetExplorer,
    RouteExplorer,
    ...OPERATION_INTEGRATION_CLASSES,
    ...CONTEXT_ANSWER_CLASSES,
    { provide: OPERATION_INTEGRATIONS, useFactory: (...integrations: OperationIntegration[]) => integrations, inject: OPERATION_INTEGRATION_CLASSES },
    { provide: CONTEXT_ANSWERS, useFactory: (...answers: ContextAnswer[]) => answers, inject: CONTEXT_ANSWER_CLASSES },
    OperationExplorer,
    ProcessErrorNet,
    ...HEALTH_PROVIDERS,
    CircuitBreakerExplorer,
    ...BUILT_IN_STRATEGIES,
    ...SERVICES,
    ...CHECKPOINT_PROVIDERS,
  ],
  exports: [ERROR_RECOVERY_OPTIONS, ERROR_LOG_STORE, DEAD_LETTER_STORE, CIRCUIT_STATE_STORE, ALERT_OUTBOX_STORE, ALERT_CHANNELS, CONTEXT_ANSWERS, CHECKPOINT_STORE, RedisConnection, ...SERVICES],
})
export class ErrorRecoveryModule extends ErrorRecoveryConfigurableModule implements NestModule {
  constructor(private readonly routes: RouteExplorer) {
    super();
  }

  /**
   * Nest calls every module's `configure()` before it builds the router (and `onModuleInit` only
   * after): the one moment the route handlers can be wrapped so that the router picks the wrappers up.
   */
  configure(_consumer: MiddlewareConsumer): void {
    this.routes.wrapAll();
  }
}
