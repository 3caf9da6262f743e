import { messageOf } from '../../common/error-text.js';
import { readProp } from '../../common/safe-read.js';
import type { AlertDelivery } from '../alert.interface.js';
import type { ResolvedAlertsOptions } from '../resolve-alerts-options.js';
import { alertTelegram } from '../templates/alert-telegram.js';
import { oneLine } from '../templates/escape.js';
import type { AlertChannel } from './alert-channel.interface.js';
import { isSuccess, postJson } from './http-post.js';

/** Settings of the Telegram channel: bot token (a secret), chat id, API base URL, timeout in ms. */
export type TelegramChannelSettings = NonNullable<ResolvedAlertsOptions['telegram']>;

/** The `description` and `parameters.retry_after` of a Bot API answer, when it is one. */
function parseAnswer(body: string): { ok: boolean; description?: string; retryAfter?: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false };
  }
  const description = readProp(parsed, 'description');
  const retryAfter = readProp(readProp(parsed, 'parameters'), 'retry_after');
  return {
    ok: readProp(parsed, 'ok') === true,
    description: typeof description === 'string' ? description : undefined,
    retryAfter: typeof retryAfter === 'number' ? retryAfter : undefined,
  };
}

/**
 * Sends each alert to a Telegram chat through the Bot API `sendMessage`, as HTML
 * ({@link alertTelegram}) without link previews. Delivered only on a 2xx answer with `ok: true`;
 * otherwise rejects with Telegram's `description` (and `retry_after`, seconds, when rate limited).
 * The bot token is part of the URL: it is scrubbed from every error message.
 */
export class TelegramChannel implements AlertChannel {
  readonly name = 'telegram';

  constructor(private readonly options: TelegramChannelSettings) {}

  async send(delivery: AlertDelivery): Promise<void> {
    const { baseUrl, botToken, chatId, timeoutMs } = this.options;
    const body = JSON.stringify({ chat_id: chatId, text: alertTelegram(delivery.alert), parse_mode: 'HTML', disable_web_page_preview: true });
    let answer: { status: number; body: string };
    try {
      answer = await postJson(`${baseUrl}/bot${botToken}/sendMessage`, body, { 'User-Agent': 'nest-error-recovery' }, timeoutMs);
    } catch (error) {
      throw new Error(this.scrub(`telegram: ${messageOf(error, 300)}`), { cause: error });
    }
    const { ok, description, retryAfter } = parseAnswer(answer.body);
    if (isSuccess(answer.status) && ok) return;
    const reason = description ?? (answer.body || 'no description');
    const wait = retryAfter === undefined ? '' : ` (retry after ${retryAfter} s)`;
    throw new Error(this.scrub(`telegram answered ${answer.status}: ${oneLine(reason, 200)}${wait}`));
  }

  /** The message without the bot token (which also makes up the URL). */
  private scrub(message: string): string {
    const token = this.options.botToken;
    return token ? message.split(token).join('<bot-token>') : message;
  }
}
