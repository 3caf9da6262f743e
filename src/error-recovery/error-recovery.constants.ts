import { Inject } from '@nestjs/common';

/** Fully resolved options (defaults merged). Inject with {@link InjectErrorRecoveryOptions}. */
export const ERROR_RECOVERY_OPTIONS = 'ERROR_RECOVERY:OPTIONS';
/** The store behind `error_logs` / `recovery_actions`. See `ErrorLogStore`. */
export const ERROR_LOG_STORE = 'ERROR_RECOVERY:ERROR_LOG_STORE';
/** The store behind `dead_letters`. See `DeadLetterStore`. */
export const DEAD_LETTER_STORE = 'ERROR_RECOVERY:DEAD_LETTER_STORE';
/** Where circuit breaker states are kept. See `CircuitStateStore`. */
export const CIRCUIT_STATE_STORE = 'ERROR_RECOVERY:CIRCUIT_STATE_STORE';
/** The module's own TypeORM DataSource (not connected until a store needs it). */
export const ERROR_RECOVERY_DATA_SOURCE = 'ERROR_RECOVERY:DATA_SOURCE';
/** Whether every route is wrapped (`global`, the default) or only those with `@AiErrorHandler()`. */
export const ERROR_RECOVERY_WRAP_ALL_ROUTES = 'ERROR_RECOVERY:WRAP_ALL_ROUTES';
/** Metadata key written by `@AiErrorHandler()`. */
export const AI_ERROR_HANDLER_METADATA = 'ERROR_RECOVERY:HANDLER';

/** Injects the resolved module options. */
export const InjectErrorRecoveryOptions = (): PropertyDecorator & ParameterDecorator =>
  Inject(ERROR_RECOVERY_OPTIONS);
/** Injects the active `ErrorLogStore`. */
export const InjectErrorLogStore = (): PropertyDecorator & ParameterDecorator => Inject(ERROR_LOG_STORE);
/** Injects the active `CircuitStateStore` (the module's in-memory one unless `circuitStateStore` is set). */
export const InjectCircuitStateStore = (): PropertyDecorator & ParameterDecorator => Inject(CIRCUIT_STATE_STORE);
/** Injects the active `DeadLetterStore`. */
export const InjectDeadLetterStore = (): PropertyDecorator & ParameterDecorator => Inject(DEAD_LETTER_STORE);
