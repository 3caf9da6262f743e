// The one public surface of nest-error-recovery.
export { ErrorRecoveryModule } from './error-recovery.module.js';
export type { ErrorRecoveryModuleExtras } from './error-recovery.module-definition.js';
export type {
  CaptureOptions,
  CircuitBreakerOptions,
  ErrorRecoveryDatabaseOptions,
  ErrorRecoveryModuleOptions,
  RetryOptions,
  WriterOptions,
} from './error-recovery-options.interface.js';
export type { ResolvedErrorRecoveryOptions } from './error-recovery-options.js';
export {
  AI_ERROR_HANDLER_METADATA,
  CIRCUIT_STATE_STORE,
  ERROR_LOG_STORE,
  ERROR_RECOVERY_OPTIONS,
  InjectErrorLogStore,
  InjectErrorRecoveryOptions,
} from './error-recovery.constants.js';

export { AiErrorHandler } from './capture/ai-error-handler.decorator.js';
export type { AiErrorHandlerOptions } from './capture/ai-error-handler-options.interface.js';
export { ErrorCaptureFilter } from './capture/error-capture.filter.js';
export { ErrorCaptureInterceptor } from './capture/error-capture.interceptor.js';
export { ErrorCaptureService, type CapturedError } from './capture/error-capture.service.js';
export type { ErrorResponseBody } from './capture/error-response.js';

export { classifyError } from './classify/error-classifier.js';
export type { Classification, ClassifierOptions, ErrorCategory, Severity } from './classify/classification.interface.js';

export { ErrorLogEntity } from './persistence/error-log.entity.js';
export { RecoveryActionEntity } from './persistence/recovery-action.entity.js';
export type {
  ErrorLogQuery,
  ErrorLogStore,
  ErrorSummary,
  Page,
  RecoveryOutcomeUpdate,
} from './persistence/error-log-store.interface.js';
export type { ErrorLogRecord, PendingErrorLog, RecoveryActionRecord, RecoveryTrigger } from './persistence/error-log.record.js';
export { ErrorLogWriter, type WriterStats } from './persistence/error-log.writer.js';

export { DEFAULT_STRATEGY_MAP, SEVERITY_FALLBACK_PLAN } from './plan/default-strategy-map.js';
export { planRecovery } from './plan/recovery-planner.js';
export { STRATEGY_NAMES, type BuiltInStrategyName, type StrategyMap, type StrategyName } from './plan/strategy-name.js';

export type {
  RecoveryContext,
  RecoveryStrategy,
  ReplayOverrides,
  RouteInfo,
  StrategyOutcome,
  StrategyStep,
} from './strategies/recovery-strategy.interface.js';
export { DuplicateStrategyError, StrategyRegistry } from './strategies/strategy-registry.js';
export { RegisterStrategy } from './strategies/register-strategy.decorator.js';
export { RetryStrategy } from './strategies/retry.strategy.js';
export { CircuitBreakStrategy } from './strategies/circuit-break.strategy.js';
export { TimeoutIncreaseStrategy } from './strategies/timeout-increase.strategy.js';
export { FallbackStrategy } from './strategies/fallback.strategy.js';
export { QueuePriorityStrategy } from './strategies/queue-priority.strategy.js';
export { RequestThrottleStrategy } from './strategies/request-throttle.strategy.js';
export { PoolIncreaseStrategy } from './strategies/pool-increase.strategy.js';
export { ServiceRestartStrategy } from './strategies/service-restart.strategy.js';
export type { RecoveryTargets, StrategyParameters } from './strategies/strategy-parameters.interface.js';
export type { ClearableCache, Restartable, ScaleRequest, ScaleResult, Scaler } from './common/recovery-target.interface.js';
export type { BulkheadSlot, RequestInfo } from './strategies/recovery-strategy.interface.js';
export { RestartableTarget } from './targets/restartable-target.decorator.js';
export { CacheClearStrategy } from './strategies/cache-clear.strategy.js';
export { ResourceScaleStrategy } from './strategies/resource-scale.strategy.js';
export { ClearableCacheTarget } from './targets/cache-target.decorator.js';
export { ScalerTarget } from './targets/scaler-target.decorator.js';
export { CacheTargets } from './targets/cache-targets.js';
export { CacheClearHistory, type CacheClearRecord } from './targets/cache-clear.history.js';
export type { CacheKind, CacheTargetView } from './targets/cache-target.interface.js';
export { ScalerTargets } from './targets/scaler-targets.js';
export { ScaleHistory, type ScaleRecord } from './scalers/scale.history.js';
export { WebhookScaler, type WebhookScalerOptions } from './scalers/webhook.scaler.js';
export { KubernetesScaler, type KubernetesScalerOptions } from './scalers/kubernetes.scaler.js';
export { signWebhook, verifyWebhookSignature } from './scalers/webhook-signature.js';
export { DataSourceTargets, type NamedDataSource } from './targets/data-source.targets.js';
export { PoolSizesRegistry, type PoolSizeView } from './state/pool-sizes.registry.js';
export { RestartHistoryRegistry, type RestartHistoryView } from './state/restart-history.registry.js';
export { RouteTimeouts, type RaisedTimeoutView } from './state/route-timeouts.registry.js';
export { ThrottleRegistry, type ThrottleView } from './state/throttle.registry.js';
export { BulkheadRegistry, type BulkheadOptions, type BulkheadView } from './state/bulkhead.registry.js';
export { PRIORITIES, type Priority } from './resilience/priority-bulkhead.js';
export { RequestThrottledError, isRequestThrottledError } from './errors/request-throttled.error.js';
export { BulkheadRejectedError, isBulkheadRejectedError } from './errors/bulkhead-full.error.js';
export { StaleCacheError, isStaleCacheError } from './errors/stale-cache.error.js';
export { RouteTimeoutError, isRouteTimeoutError, type InFlightRun } from './errors/route-timeout.error.js';
export { CircuitBreakerRegistry, type CircuitBreakerView } from './state/circuit-breaker.registry.js';
export { InMemoryCircuitStateStore, type CircuitStateStore } from './state/circuit-state.store.js';
export type { CircuitPolicy, CircuitState } from './resilience/circuit-state.js';
export { RecoveryEvents, type CircuitEvent, type RecoveryEventMap } from './events/recovery-events.js';
export { CircuitOpenError, isCircuitOpenError } from './errors/circuit-open.error.js';
export type { RecoveryReport } from './execute/recovery-report.js';

export { RecoveryService, withRecovery, type ManualRecoveryResult, type WithRecoveryOptions } from './recovery.service.js';
export { ErrorRecoveryStats } from './error-recovery.stats.js';
export { ErrorLogNotFoundError, isErrorLogNotFoundError } from './errors/error-log-not-found.error.js';
export { AdminTokenGuard } from './http/admin-token.guard.js';
export type { Clock } from './resilience/clock.js';

export type { Alert, AlertAction, AlertChannelName, AlertDelivery, AlertErrorFacts, AlertKind } from './alerts/alert.interface.js';
export type {
  AlertsOptions,
  EscalationOptions,
  SlackChannelOptions,
  SmtpOptions,
  TelegramChannelOptions,
  WebhookChannelOptions,
} from './alerts/alerts-options.interface.js';
export type { AlertChannel } from './alerts/channels/alert-channel.interface.js';
export { EmailChannel } from './alerts/channels/email.channel.js';
export { WebhookChannel } from './alerts/channels/webhook.channel.js';
export { SlackChannel } from './alerts/channels/slack.channel.js';
export { TelegramChannel } from './alerts/channels/telegram.channel.js';
export { ALERT_CHANNELS, ALERT_OUTBOX_STORE } from './alerts/alerts.constants.js';
export type { AlertOutboxStore, OutboxQuery } from './alerts/outbox/alert-outbox-store.interface.js';
export type { AlertCandidate, AlertRoute, OutboxRow, OutboxStatus } from './alerts/outbox/alert-candidate.js';
export { AlertQueue, type AlertQueueStats } from './alerts/alert-queue.js';
export { AlertDeliveryWorker, type AlertWorkerStats } from './alerts/alert-delivery.worker.js';
export { AlertsService } from './alerts/alerts.service.js';
export { InvalidAlertsOptionError, isInvalidAlertsOptionError } from './errors/invalid-alerts-option.error.js';
export { EmbeddedDatabaseInProductionError, isEmbeddedDatabaseInProductionError } from './errors/embedded-database-in-production.error.js';
export { alertSubject } from './alerts/templates/alert-subject.js';
export type {
  ErrorCapturedEvent,
  InitializationFailedEvent,
  ThrottleRejectedEvent,
} from './events/recovery-events.js';
