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
