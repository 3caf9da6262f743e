import { messageOf } from '../../common/error-text.js';
import { signWebhook } from '../../scalers/webhook-signature.js';
import type { AlertDelivery } from '../alert.interface.js';
import type { ResolvedWebhookOptions } from '../resolve-alerts-options.js';
import { alertJson } from '../templates/alert-json.js';
import { oneLine } from '../templates/escape.js';
import type { AlertChannel } from './alert-channel.interface.js';
import { isSuccess, postJson } from './http-post.js';

/**
 * POSTs each alert as JSON ({@link alertJson}) to a URL. Headers: `X-Alert-Id` (the delivery id,
 * stable across retries: receivers deduplicate on it), `X-Alert-Timestamp` (unix seconds) and,
 * with a secret, `X-Alert-Signature: sha256=<HMAC of "<timestamp>.<body>">` — check it with
 * `verifyWebhookSignature`. Only a 2xx answer counts as delivered.
 */
export class WebhookChannel implements AlertChannel {
  readonly name = 'webhook';

  /** @param now time source of `X-Alert-Timestamp`, ms since the epoch. */
  constructor(
    private readonly options: ResolvedWebhookOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async send(delivery: AlertDelivery): Promise<void> {
    const body = JSON.stringify(alertJson(delivery.alert, delivery.id));
    const timestamp = String(Math.floor(this.now() / 1000));
    const headers: Record<string, string> = {
      'User-Agent': 'nest-error-recovery',
      'X-Alert-Id': delivery.id,
      'X-Alert-Timestamp': timestamp,
    };
    if (this.options.secret) headers['X-Alert-Signature'] = signWebhook(this.options.secret, timestamp, body);
    const answer = await postJson(this.options.url, body, headers, this.options.timeoutMs).catch((error: unknown) => {
      throw new Error(`webhook: ${messageOf(error, 300)}`, { cause: error });
    });
    if (!isSuccess(answer.status)) throw new Error(`webhook answered ${answer.status}: ${oneLine(answer.body, 200)}`);
  }
}
