import type { AlertChannelName, AlertDelivery } from '../alert.interface.js';

/**
 * A way to reach people. The worker calls `send` once per outbox row; a rejection means "not
 * delivered" and the row is retried with backoff, so `send` must resolve only once the receiver
 * accepted the alert. A channel never retries by itself.
 */
export interface AlertChannel {
  readonly name: AlertChannelName | (string & {});
  /** Whether this channel takes alerts of that kind and delivery (e.g. e-mail needs recipients). */
  accepts?(delivery: AlertDelivery): boolean;
  send(delivery: AlertDelivery): Promise<void>;
  /** Checks the connection at start-up (e.g. SMTP greeting and login); rejects when unreachable. */
  verify?(): Promise<void>;
  /** Releases connections at shutdown. */
  close?(): Promise<void>;
}
