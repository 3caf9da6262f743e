import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `sha256=<hex>` HMAC-SHA256 of `"<timestamp>.<body>"`: binding the timestamp into the signature
 * lets a receiver reject replays of an old request.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks a scale webhook on the receiving side: the `X-Signature` matches and `X-Timestamp`
 * (unix seconds) is within `toleranceSeconds` of `nowSeconds`. For receivers and tests.
 */
export function verifyWebhookSignature(
  secret: string,
  request: { timestamp: string | undefined; signature: string | undefined; body: string },
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const { timestamp, signature, body } = request;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
