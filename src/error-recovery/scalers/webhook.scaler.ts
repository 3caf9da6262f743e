import { messageOf } from '../common/error-text.js';
import { readProp } from '../common/safe-read.js';
import type { ScaleRequest, ScaleResult, Scaler } from '../common/recovery-target.interface.js';
import { signWebhook } from './webhook-signature.js';

/** Settings of a {@link WebhookScaler}. */
export interface WebhookScalerOptions {
  /** Name of this scaler in steps, history and the `scalers` parameter. */
  name: string;
  /** Where the scale-up event is POSTed. */
  url: string;
  /** Key of the `X-Signature` HMAC; share it with the receiver. */
  secret: string;
  /** Longest wait for the receiver's answer, ms. Default 5000. */
  timeoutMs?: number;
  /** `resource_type` sent; default the `resourceType` parameter in force. */
  resourceType?: string;
  /** Time source of `X-Timestamp`, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** fetch rejects with "fetch failed" and the reason (ECONNREFUSED…) in `cause`: report both. */
function describe(error: unknown): string {
  const cause = readProp(error, 'cause');
  const message = messageOf(error, 200);
  return cause === undefined ? message : `${message}: ${messageOf(cause, 200)}`;
}

/**
 * Asks an external autoscaler for capacity: POSTs a signed JSON event
 * (`{ event: 'scale_up', resource_type, factor, max_factor, service, error_id, timestamp }`) with
 * `X-Timestamp` (unix seconds) and `X-Signature: sha256=<HMAC of "<timestamp>.<body>">`.
 * Succeeds on a 2xx answer; the receiver does the scaling, so sizes are not known here.
 */
export class WebhookScaler implements Scaler {
  readonly name: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: WebhookScalerOptions) {
    this.name = options.name;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  async scaleUp(request: ScaleRequest): Promise<ScaleResult> {
    const nowMs = (this.options.now ?? Date.now)();
    const timestamp = String(Math.floor(nowMs / 1000));
    const body = JSON.stringify({
      event: 'scale_up',
      resource_type: this.options.resourceType ?? request.resourceType,
      factor: request.factor,
      max_factor: request.maxFactor,
      service: request.service,
      error_id: request.errorId,
      timestamp: new Date(nowMs).toISOString(),
    });
    // The URL may carry a token in its query: only origin and path go into the log.
    const target = new URL(this.options.url);
    const details = { url: `${target.origin}${target.pathname}`, timeoutMs: this.timeoutMs };
    let status: number;
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Timestamp': timestamp, 'X-Signature': signWebhook(this.options.secret, timestamp, body) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
        // Only the configured URL is called: a 307/308 would re-send the signed call to a host nobody configured.
        redirect: 'manual',
      });
      status = response.status;
      await response.body?.cancel(); // the answer's status is all that is used; free the socket
    } catch (error) {
      // A DOMException, which is not an `Error` in every realm: read its name.
      const timedOut = readProp(error, 'name') === 'TimeoutError';
      return { kind: 'failed', reason: timedOut ? `webhook did not answer within ${this.timeoutMs} ms` : `webhook request failed: ${describe(error)}`, details };
    }
    if (status < 200 || status > 299) return { kind: 'failed', reason: `webhook answered HTTP ${status}`, details: { ...details, status } };
    return { kind: 'scaled', message: `webhook accepted scale-up ×${request.factor} (HTTP ${status})`, details: { ...details, status } };
  }
}
