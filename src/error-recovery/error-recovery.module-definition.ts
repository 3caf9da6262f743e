import { ConfigurableModuleBuilder, type CanActivate, type Provider, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ErrorCaptureFilter } from './capture/error-capture.filter.js';
import type { ErrorRecoveryModuleOptions } from './error-recovery-options.interface.js';
import { AdminTokenGuard } from './http/admin-token.guard.js';
import { createErrorsController } from './http/errors.controller.js';
import { createRetryPoliciesController } from './http/retry-policies.controller.js';
import { createHealthController } from './http/health.controller.js';
import { createHealthProbesController, type HealthProbePaths } from './http/health-probes.controller.js';
import { DEFAULT_HEALTH_PROBES } from './health/health.constants.js';
import { createFallbackChainsController } from './http/fallback-chains.controller.js';
import { createDeadLettersController } from './http/dead-letters.controller.js';
import { ERROR_RECOVERY_API_PATH } from './alerts/alerts.constants.js';
import { ERROR_RECOVERY_WRAP_ALL_ROUTES } from './error-recovery.constants.js';

/** Settings that shape the module itself; given to `forRoot` and `forRootAsync` alike. */
export interface ErrorRecoveryModuleExtras {
  /**
   * Cover the whole app: the exception filter is registered globally and every route handler is
   * wrapped. Default true. With false, put `@AiErrorHandler()` on the controllers or handlers that
   * should be covered (only those are wrapped, and the decorator binds the filter).
   */
  global?: boolean;
  /** Path of the admin REST API; `false` leaves the API out. Default `api/errors`. */
  apiPrefix?: string | false;
  /** Guard of the admin REST API, replacing the bearer-token guard. */
  adminGuard?: Type<CanActivate>;
  /**
   * Paths of the unauthenticated liveness and readiness probes; `false` leaves them out.
   * Default `{ live: 'health/live', ready: 'health/ready' }`.
   */
  healthProbes?: Partial<HealthProbePaths> | false;
}

export const DEFAULT_API_PREFIX = 'api/errors';

export const {
  ConfigurableModuleClass: ErrorRecoveryConfigurableModule,
  MODULE_OPTIONS_TOKEN: ERROR_RECOVERY_MODULE_OPTIONS,
  OPTIONS_TYPE: ERROR_RECOVERY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ERROR_RECOVERY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ErrorRecoveryModuleOptions>({ moduleName: 'ErrorRecovery' })
  .setClassMethodName('forRoot')
  .setExtras<ErrorRecoveryModuleExtras>({ global: true, apiPrefix: DEFAULT_API_PREFIX }, (definition, extras) => {
    // No global interceptor: route handlers are wrapped at start-up (RouteExplorer), so the success
    // path of a healthy route costs (almost) nothing.
    const enhancers: Provider[] = extras.global === false ? [] : [{ provide: APP_FILTER, useExisting: ErrorCaptureFilter }];
    const guard = extras.adminGuard ?? AdminTokenGuard;
    const apiPrefix = extras.apiPrefix === false ? null : (extras.apiPrefix ?? DEFAULT_API_PREFIX);
    return {
      ...definition,
      // Global so that RecoveryService and the enhancers behind @AiErrorHandler() resolve in every module.
      global: true,
      controllers: [
        // The toolkit's controllers come first: the errors controller's `GET :id` would take their paths on Express.
        ...(apiPrefix === null
          ? []
          : [
              createRetryPoliciesController(apiPrefix, guard),
              createHealthController(apiPrefix, guard),
              createFallbackChainsController(apiPrefix, guard),
              createDeadLettersController(apiPrefix, guard),
              createErrorsController(apiPrefix, guard),
            ]),
        ...(extras.healthProbes === false ? [] : [createHealthProbesController({ ...DEFAULT_HEALTH_PROBES, ...extras.healthProbes })]),
      ],
      providers: [
        ...(definition.providers ?? []),
        ...enhancers,
        { provide: ERROR_RECOVERY_WRAP_ALL_ROUTES, useValue: extras.global !== false },
        ...(extras.adminGuard ? [extras.adminGuard] : []),
        { provide: ERROR_RECOVERY_API_PATH, useValue: apiPrefix },
      ],
    };
  })
  .build();
