import { messageOf } from '../../common/error-text.js';
import type { AlertDelivery } from '../alert.interface.js';
import type { ResolvedAlertsOptions } from '../resolve-alerts-options.js';
import { alertSlack } from '../templates/alert-slack.js';
import { oneLine } from '../templates/escape.js';
import type { AlertChannel } from './alert-channel.interface.js';
import { isSuccess, postJson } from './http-post.js';

/** Settings of the Slack channel: the incoming-webhook URL (a secret) and the timeout, ms. */
export type SlackChannelSettings = NonNullable<ResolvedAlertsOptions['slack']>;

/**
 * Posts each alert to a Slack (or Slack-compatible: Mattermost, Rocket.Chat) incoming webhook as
 * mrkdwn text ({@link alertSlack}). Only a 2xx answer counts as delivered; the webhook URL never
 * appears in an error message.
 */
export class SlackChannel implements AlertChannel {
  readonly name = 'slack';

  constructor(private readonly options: SlackChannelSettings) {}

  async send(delivery: AlertDelivery): Promise<void> {
    const body = JSON.stringify(alertSlack(delivery.alert));
    const answer = await postJson(this.options.webhookUrl, body, { 'User-Agent': 'nest-error-recovery' }, this.options.timeoutMs).catch(
      (error: unknown) => {
        throw new Error(`slack: ${messageOf(error, 300)}`, { cause: error });
      },
    );
    if (!isSuccess(answer.status)) throw new Error(`slack answered ${answer.status}: ${oneLine(answer.body, 200)}`);
  }
}
