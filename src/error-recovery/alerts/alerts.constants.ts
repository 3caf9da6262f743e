import { Inject } from '@nestjs/common';

/** The alert channels in use (built-in ones that are configured, then the app's own). */
export const ALERT_CHANNELS = 'ERROR_RECOVERY:ALERT_CHANNELS';
/** The outbox behind alert delivery. See `AlertOutboxStore`. */
export const ALERT_OUTBOX_STORE = 'ERROR_RECOVERY:ALERT_OUTBOX_STORE';
/** Path of the admin API (`api/errors`), or null when it is off; used for links in alerts. */
export const ERROR_RECOVERY_API_PATH = 'ERROR_RECOVERY:API_PATH';
/** Name of the worker's interval in the `SchedulerRegistry`. */
export const ALERT_WORKER_INTERVAL = 'error-recovery:alert-delivery';

/** Injects the alert channels in use (`AlertChannel[]`). */
export const InjectAlertChannels = (): PropertyDecorator & ParameterDecorator => Inject(ALERT_CHANNELS);
/** Injects the active `AlertOutboxStore`. */
export const InjectAlertOutboxStore = (): PropertyDecorator & ParameterDecorator => Inject(ALERT_OUTBOX_STORE);
