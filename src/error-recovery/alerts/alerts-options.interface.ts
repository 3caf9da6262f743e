import type { Severity } from '../classify/classification.interface.js';
import type { AlertChannel } from './channels/alert-channel.interface.js';

/** SMTP server of the e-mail channel. Env: SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASS, ALERT_FROM. */
export interface SmtpOptions {
  host: string;
  /** Default 465 when `secure`, else 587. */
  port?: number;
  /** Implicit TLS from the first byte (port 465). Default false: STARTTLS is used when the server offers it. */
  secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds. Default false. */
  requireTLS?: boolean;
  user?: string;
  pass?: string;
  /** Sender address. Default `nest-error-recovery@localhost`. */
  from?: string;
  /** Longest wait for the connection, the greeting and any later answer, ms. Default 10000. */
  timeoutMs?: number;
  /** Accept a self-signed certificate. Default false. */
  allowSelfSigned?: boolean;
}

/** Signed JSON POST. Env: ALERT_WEBHOOK_URL, ALERT_WEBHOOK_SECRET. */
export interface WebhookChannelOptions {
  url: string;
  /**
   * HMAC-SHA256 key. Each POST carries `X-Alert-Timestamp` (unix seconds) and `X-Alert-Signature:
   * sha256=<hex of HMAC("<timestamp>.<body>")>`; verify with `verifyWebhookSignature`.
   */
  secret?: string;
  /** Default 5000 ms. */
  timeoutMs?: number;
}

/** Slack-compatible incoming webhook. Env: SLACK_WEBHOOK_URL. */
export interface SlackChannelOptions {
  webhookUrl: string;
  /** Default 5000 ms. */
  timeoutMs?: number;
}

/** Telegram Bot API `sendMessage`. Env: TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID. */
export interface TelegramChannelOptions {
  botToken: string;
  chatId: string;
  /** API base URL. Default `https://api.telegram.org`. */
  baseUrl?: string;
  /** Default 5000 ms. */
  timeoutMs?: number;
}

/** Who is also told, and when. Env: ERROR_ESCALATION_RECIPIENTS. */
export interface EscalationOptions {
  /** Also receive (a) critical errors that were not recovered, (b) repeats, (c) breaker openings, (d) failing recovery. */
  recipients?: string[];
  /** (b): this many occurrences of one fingerprint … Default 10. */
  repeatThreshold?: number;
  /** … within this many minutes. Default 5. */
  repeatWindowMinutes?: number;
  /** (d): one strategy failing this many times in a row (skips do not count). Default 3. */
  strategyFailureThreshold?: number;
}

/** Alerting: who hears about what, through which channels, and how often. */
export interface AlertsOptions {
  /** Turn alerting off entirely. Default true (a channel that is not configured is off anyway). */
  enabled?: boolean;
  /** Default e-mail recipients. Env: ERROR_ALERT_RECIPIENTS (comma-separated). */
  recipients?: string[];
  /**
   * E-mail recipients per severity, over `recipients`; an empty list turns that severity off on every
   * channel. Default: `recipients` for critical, high and medium; `low` off. Env: ALERTS_BY_SEVERITY (JSON).
   */
  bySeverity?: Partial<Record<Severity, string[]>>;
  escalation?: EscalationOptions;
  smtp?: SmtpOptions;
  webhook?: WebhookChannelOptions;
  slack?: SlackChannelOptions;
  telegram?: TelegramChannelOptions;
  /** Channels of the app's own, next to the built-in ones. */
  channels?: AlertChannel[];
  /** At most one alert per fingerprint (or breaker, throttle, strategy) per window, minutes. Default 10. */
  dedupWindowMinutes?: number;
  /** E-mails sent per minute at most, across instances; the excess is folded into a digest. Default 30. */
  maxEmailsPerMinute?: number;
  /** Delivery attempts of one alert on one channel before it is marked `exhausted`. Default 10. */
  maxAttempts?: number;
  /** First retry delay after a failed delivery, doubled each time, ms. Default 2000. */
  retryBaseMs?: number;
  /** Ceiling of the retry delay, ms. Default 600000 (10 min). */
  retryMaxMs?: number;
  /** A delivery claimed longer ago than this (its worker died) is claimed again, ms. Default 60000. */
  leaseMs?: number;
  /** How often the worker looks for due deliveries and digests, ms. Default 1000. */
  pollIntervalMs?: number;
  /** Finished deliveries (sent, exhausted, folded) are deleted after this many days. Default 30. */
  retentionDays?: number;
  /** Public base URL of the app, for links to `GET /api/errors/<id>` in alerts. Default: no link. */
  baseUrl?: string;
}
