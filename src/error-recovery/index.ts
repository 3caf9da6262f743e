// The one public surface of nest-error-recovery: what an app configures, decorates, calls, catches,
// subscribes to or plugs in. Everything else (registries, writer, queue, worker, built-in strategy
// classes) is internal and may change in any release; tests import those by their source path.

// The module and its options.
export { ErrorRecoveryModule } from './error-recovery.module.js';
export type { ErrorRecoveryModuleExtras } from './error-recovery.module-definition.js';
export type {
  BackgroundRetryOptions,
  CaptureOptions,
  CircuitBreakerOptions,
  ContextsOptions,
  ErrorRecoveryDatabaseOptions,
  ErrorRecoveryModuleOptions,
  RetryOptions,
  WriterJournalOptions,
  WriterOptions,
} from './error-recovery-options.interface.js';
export type { ResolvedErrorRecoveryOptions } from './error-recovery-options.js';
export { InjectCircuitStateStore, InjectDeadLetterStore, InjectErrorLogStore, InjectErrorRecoveryOptions } from './error-recovery.constants.js';
export type { Clock } from './resilience/clock.js';

// Decorators.
export { AiErrorHandler } from './capture/ai-error-handler.decorator.js';
export type { AiErrorHandlerOptions } from './capture/ai-error-handler-options.interface.js';
export { BackgroundRetry } from './contexts/background-retry.decorator.js';
export type { ContextType } from './common/context-type.js';
export type { BulkheadOptions } from './state/bulkhead.registry.js';
export { PRIORITIES, type Priority } from './resilience/priority-bulkhead.js';
export { RegisterStrategy } from './strategies/register-strategy.decorator.js';
export { RestartableTarget } from './targets/restartable-target.decorator.js';
export { ClearableCacheTarget } from './targets/cache-target.decorator.js';
export { ScalerTarget } from './targets/scaler-target.decorator.js';

// Calling it from code, and the classes an app may extend or reuse.
export { RecoveryService, withRecovery, type ManualRecoveryResult, type WithRecoveryOptions } from './recovery.service.js';
export { ErrorCaptureFilter } from './capture/error-capture.filter.js';
export type { ErrorResponseBody } from './capture/error-response.js';
export { AdminTokenGuard } from './http/admin-token.guard.js';
export { ErrorRecoveryStats } from './error-recovery.stats.js';

// The toolkit: retry policies and the transaction helper.
export { Retry } from './toolkit/retry/retry.decorator.js';
export { RetryPolicy, type RetryEventSink } from './toolkit/retry/retry-policy.js';
export type { RetryPolicyStats } from './toolkit/retry/retry-stats.js';
export { RetryPolicies } from './toolkit/retry/retry-policies.service.js';
export { RETRY_PRESETS } from './toolkit/retry/retry-presets.js';
export type {
  RetryAttemptContext,
  RetryExecuteOptions,
  RetryPolicyOptions,
  RetryPredicate,
  RetryPresetName,
} from './toolkit/retry/retry-options.interface.js';
export { runInTransaction, type RunInTransactionOptions, type TransactionIsolation } from './toolkit/retry/run-in-transaction.js';
export type { RetryGiveUpReason } from './resilience/retry-schedule.js';
export { isSerializationFailure } from './resilience/retryable-error.js';

// Classification and planning, as pure functions.
export { classifyError } from './classify/error-classifier.js';
export type { Classification, ClassifierOptions, ErrorCategory, Severity } from './classify/classification.interface.js';
export { DEFAULT_STRATEGY_MAP, SEVERITY_FALLBACK_PLAN } from './plan/default-strategy-map.js';
export { planRecovery } from './plan/recovery-planner.js';
export { STRATEGY_NAMES, type BuiltInStrategyName, type StrategyMap, type StrategyName } from './plan/strategy-name.js';
export type { RecoveryTrigger } from './plan/recovery-trigger.js';

// Writing a strategy, and the targets strategies act on.
export type {
  BulkheadSlot,
  RecoveryContext,
  RecoveryStrategy,
  ReplayOverrides,
  RequestInfo,
  RouteInfo,
  RouteRecoveryOptions,
  StrategyOutcome,
  StrategyStep,
} from './strategies/recovery-strategy.interface.js';
export type { RecoveryReport } from './execute/recovery-report.js';
export { DuplicateStrategyError } from './strategies/strategy-registry.js';
export type { RecoveryTargets, StrategyParameters } from './strategies/strategy-parameters.interface.js';
export type { ClearableCache, Restartable, ScaleRequest, ScaleResult, Scaler } from './common/recovery-target.interface.js';
export { WebhookScaler, type WebhookScalerOptions } from './scalers/webhook.scaler.js';
export { KubernetesScaler, type KubernetesScalerOptions } from './scalers/kubernetes.scaler.js';
export { signWebhook, verifyWebhookSignature } from './scalers/webhook-signature.js';

// Storage: the entities, and the contracts of a store of your own.
export { ErrorLogEntity } from './persistence/error-log.entity.js';
export { RecoveryActionEntity } from './persistence/recovery-action.entity.js';
export type {
  ErrorLogQuery,
  ErrorLogStore,
  ErrorSummary,
  Page,
  RecoveryOutcomeUpdate,
} from './persistence/error-log-store.interface.js';
export type { ErrorLogRecord, PendingErrorLog, RecoveryActionRecord } from './persistence/error-log.record.js';
export { InMemoryCircuitStateStore, type CircuitStateStore } from './state/circuit-state.store.js';
export type { CircuitPolicy, CircuitState } from './resilience/circuit-state.js';

// Events.
export {
  RecoveryEvents,
  type CircuitEvent,
  type DeadLetterExhaustedEvent,
  type DeadLetterQueueHighEvent,
  type DeadLetterRecoveredEvent,
  type ErrorCapturedEvent,
  type ErrorsDroppedEvent,
  type FallbackEvent,
  type InitializationFailedEvent,
  type RecoveryEventMap,
  type RetryAttemptEvent,
  type RetryGaveUpEvent,
  type ThrottleRejectedEvent,
} from './events/recovery-events.js';

// Alerts: options, the channel contract, the outbox contract.
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
export { InjectAlertChannels, InjectAlertOutboxStore } from './alerts/alerts.constants.js';
export type { AlertOutboxStore, OutboxQuery } from './alerts/outbox/alert-outbox-store.interface.js';
export type {
  DeadLetterCounts,
  DeadLetterQuery,
  DeadLetterRecord,
  DeadLetterSettlement,
  DeadLetterStatus,
  DeadLetterStore,
  ReclaimResult,
} from './dead-letters/dead-letter-store.interface.js';

// The dead-letter queue.
export { DeadLetterHandler, type DeadLetterHandlerOptions } from './dead-letters/dead-letter-handler.decorator.js';
export { DeadLetterQueue, type DeadLetterQueueStats, type EnqueueOptions } from './dead-letters/dead-letter-queue.service.js';
export type { DeadLetterQueueOptions } from './dead-letters/dead-letter-options.interface.js';
export type { AlertCandidate, AlertRoute, OutboxRow, OutboxStatus } from './alerts/outbox/alert-candidate.js';

// Errors, each with its `isX` guard.
export { CircuitOpenError, isCircuitOpenError } from './errors/circuit-open.error.js';
export { DuplicateDeadLetterHandlerError, isDuplicateDeadLetterHandlerError } from './errors/duplicate-dead-letter-handler.error.js';
export { PayloadTooLargeError, isPayloadTooLargeError } from './errors/payload-too-large.error.js';
export { UnknownDeadLetterHandlerError, isUnknownDeadLetterHandlerError } from './errors/unknown-dead-letter-handler.error.js';
export { RequestThrottledError, isRequestThrottledError } from './errors/request-throttled.error.js';
export { BulkheadRejectedError, isBulkheadRejectedError } from './errors/bulkhead-full.error.js';
export { StaleCacheError, isStaleCacheError } from './errors/stale-cache.error.js';
export { RouteTimeoutError, isRouteTimeoutError, type InFlightRun } from './errors/route-timeout.error.js';
export { ErrorLogNotFoundError, isErrorLogNotFoundError } from './errors/error-log-not-found.error.js';
export { InvalidAlertsOptionError, isInvalidAlertsOptionError } from './errors/invalid-alerts-option.error.js';
export { UnknownRetryPresetError, isUnknownRetryPresetError } from './errors/unknown-retry-preset.error.js';
export { EmbeddedDatabaseInProductionError, isEmbeddedDatabaseInProductionError } from './errors/embedded-database-in-production.error.js';

// Checkpoints: progress of long operations, resumable after a crash.
export type { CheckpointStore, SaveCheckpointOptions } from './checkpoints/checkpoint-store.interface.js';
export type { CheckpointsOptions } from './checkpoints/checkpoints-options.interface.js';
export type { RedisClient, RedisOptions } from './redis/redis-options.interface.js';
export { InjectCheckpointStore } from './checkpoints/checkpoints.constants.js';
export { runResumable, type ResumableRun, type ResumableStep } from './checkpoints/resumable-job.js';
export { CheckpointNotSerializableError, isCheckpointNotSerializableError } from './errors/checkpoint-not-serializable.error.js';
export { CheckpointTooLargeError, isCheckpointTooLargeError } from './errors/checkpoint-too-large.error.js';
export { CheckpointStoreUnavailableError, isCheckpointStoreUnavailableError } from './errors/checkpoint-store-unavailable.error.js';
export { InvalidCheckpointArgumentError, isInvalidCheckpointArgumentError } from './errors/invalid-checkpoint-argument.error.js';
export { DuplicateHealthCheckError, isDuplicateHealthCheckError } from './errors/duplicate-health-check.error.js';

// Health: checks per dependency, the report, probes, and a terminus indicator.
export { HealthService } from './health/health.service.js';
export { RegisterHealthCheck } from './health/health-check.decorator.js';
export { ErrorRecoveryHealthIndicator, type TerminusIndicatorResult } from './health/error-recovery.health-indicator.js';
export type { HealthOptions } from './health/health-options.interface.js';
export type { HealthCheckDefinition, HealthCheckFunction, HealthCheckOptions, HealthCheckSource } from './health/health-check.interface.js';
export type { BreakerHealth, HealthReport, HealthStatus, ServiceHealth } from './health/health-report.interface.js';
export type { HealthProbePaths } from './http/health-probes.controller.js';

// The toolkit: circuit breakers for any call, fallback chains.
export { CircuitBreakers } from './toolkit/breakers/circuit-breakers.service.js';
export { CircuitBreaker } from './toolkit/breakers/circuit-breaker.decorator.js';
export { CIRCUIT_BREAKER_PRESETS, type CircuitBreakerPresetName } from './toolkit/breakers/circuit-breaker-presets.js';
export type { CallBreakerOptions, CircuitBreakerDecoratorOptions, CircuitBreakerSpec } from './toolkit/breakers/call-breaker-options.interface.js';
export type { CallBreakerCounts, CircuitBreakerStatus } from './toolkit/breakers/circuit-breaker-status.js';
export { FallbackChains, type FallbackExecuteOptions } from './toolkit/fallback/fallback-chains.service.js';
export type {
  FallbackChainDefinition,
  FallbackChainStats,
  FallbackProvider,
  FallbackResult,
  FallbackTierStats,
} from './toolkit/fallback/fallback-chain-options.interface.js';
export { UnknownCircuitBreakerError, isUnknownCircuitBreakerError } from './errors/unknown-circuit-breaker.error.js';
export { UnknownFallbackChainError, isUnknownFallbackChainError } from './errors/unknown-fallback-chain.error.js';
export { FallbackChainExhaustedError, isFallbackChainExhaustedError, type FallbackTierFailure } from './errors/fallback-chain-exhausted.error.js';
export { CallTimeoutError, isCallTimeoutError } from './errors/call-timeout.error.js';
