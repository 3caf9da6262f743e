import type { AlertChannel } from './channels/alert-channel.interface.js';
import type { ResolvedAlertsOptions } from './resolve-alerts-options.js';

/**
 * The configured built-in channels, then the app's own; a channel that is not configured is off.
 * Each built-in channel (and its templates) is imported only when configured, so an app that
 * alerts by webhook alone, or not at all, does not load the others at start-up.
 */
export async function createAlertChannels(options: ResolvedAlertsOptions): Promise<AlertChannel[]> {
  if (!options.enabled) return [];
  const channels: AlertChannel[] = [];
  if (options.smtp) channels.push(new (await import('./channels/email.channel.js')).EmailChannel(options.smtp));
  if (options.webhook) channels.push(new (await import('./channels/webhook.channel.js')).WebhookChannel(options.webhook));
  if (options.slack) channels.push(new (await import('./channels/slack.channel.js')).SlackChannel(options.slack));
  if (options.telegram) channels.push(new (await import('./channels/telegram.channel.js')).TelegramChannel(options.telegram));
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
