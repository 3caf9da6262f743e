import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { routeAlert } from './alert-routing.js';
import { ALERT_CHANNELS } from './alerts.constants.js';
import type { AlertChannel } from './channels/alert-channel.interface.js';
import type { Alert } from './alert.interface.js';
import type { AlertRoute } from './outbox/alert-candidate.js';

/** The configured channels by name, and where an alert goes. */
@Injectable()
export class AlertRouter {
  readonly channels: ReadonlyMap<string, AlertChannel>;

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    @Inject(ALERT_CHANNELS) channels: AlertChannel[],
  ) {
    this.channels = new Map(channels.map((c) => [c.name, c]));
  }

  /** Alerting is on and at least one channel is configured. */
  get active(): boolean {
    return this.options.alerts.enabled && this.channels.size > 0;
  }

  /** Where an alert goes; a channel with `accepts` may decline a delivery (e.g. a kind it does not take). */
  route(alert: Alert): AlertRoute[] {
    return routeAlert(alert, this.options.alerts, [...this.channels.keys()]).filter((r) => {
      const accepts = this.channels.get(r.channel)?.accepts;
      return !accepts || accepts({ id: '', alert, recipients: r.recipients, attempt: 0 });
    });
  }

  /** A dedup or burst key scoped to the service; long keys (breaker names) are hashed to fit. */
  key(service: string, subject: string): string {
    const key = `${service}|${subject}`;
    return key.length <= 250 ? key : `${key.slice(0, 180)}#${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  }
}
