import type { AlertChannel } from './channels/alert-channel.interface.js';
import { EmailChannel } from './channels/email.channel.js';
import { SlackChannel } from './channels/slack.channel.js';
import { TelegramChannel } from './channels/telegram.channel.js';
import { WebhookChannel } from './channels/webhook.channel.js';
import type { ResolvedAlertsOptions } from './resolve-alerts-options.js';

/** The configured built-in channels, then the app's own; a channel that is not configured is off. */
export function createAlertChannels(options: ResolvedAlertsOptions): AlertChannel[] {
  if (!options.enabled) return [];
  const channels: AlertChannel[] = [];
  if (options.smtp) channels.push(new EmailChannel(options.smtp));
  if (options.webhook) channels.push(new WebhookChannel(options.webhook));
  if (options.slack) channels.push(new SlackChannel(options.slack));
  if (options.telegram) channels.push(new TelegramChannel(options.telegram));
  const names = new Set(channels.map((c) => c.name));
  for (const custom of options.channels) {
    if (names.has(custom.name)) {
      throw new Error(`Two alert channels are named "${custom.name}"; give the app's own channel another name.`);
    }
    names.add(custom.name);
    channels.push(custom);
  }
  return channels;
}
