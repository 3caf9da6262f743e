import { SEVERITIES, type Severity } from '../classify/classification.interface.js';
import { InvalidAlertsOptionError } from '../errors/invalid-alerts-option.error.js';
import type { AlertChannel } from './channels/alert-channel.interface.js';
import type {
  AlertsOptions,
  EscalationOptions,
  SlackChannelOptions,
  SmtpOptions,
  TelegramChannelOptions,
  WebhookChannelOptions,
} from './alerts-options.interface.js';

export type ResolvedSmtpOptions = Required<Omit<SmtpOptions, 'user' | 'pass'>> & Pick<SmtpOptions, 'user' | 'pass'>;
export type ResolvedWebhookOptions = Required<Omit<WebhookChannelOptions, 'secret'>> & Pick<WebhookChannelOptions, 'secret'>;

/** Alert options after defaults and environment variables were applied. */
export interface ResolvedAlertsOptions {
  enabled: boolean;
  recipients: string[];
  /** E-mail recipients per severity. */
  bySeverity: Record<Severity, string[]>;
  /** Severities with no alert on any channel: given an empty list, and `low` unless it was given addresses. */
  silenced: Severity[];
  escalation: Required<EscalationOptions>;
  smtp?: ResolvedSmtpOptions;
  webhook?: ResolvedWebhookOptions;
  slack?: Required<SlackChannelOptions>;
  telegram?: Required<TelegramChannelOptions>;
  channels: AlertChannel[];
  dedupWindowMs: number;
  maxEmailsPerMinute: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
  pollIntervalMs: number;
  retentionMs: number;
  baseUrl: string | null;
}

export { InvalidAlertsOptionError };

const list = (raw: string | undefined): string[] | undefined =>
  raw === undefined || raw.trim() === ''
    ? undefined
    : raw
        .split(/[,;\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new InvalidAlertsOptionError(`alerts.${name} must be a positive number; got ${String(value)}.`);
  return value;
}

/** A whole number ≥ 1 (and ≤ `max`): counts and ports, where a fraction would round to nothing. */
function whole(value: number | undefined, fallback: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidAlertsOptionError(`alerts.${name} must be a whole number from 1 to ${max}; got ${String(value)}.`);
  }
  return value;
}

/** SMTP_PORT as a port number; anything else is reported (naming the variable) and ignored. */
function portFromEnv(raw: string | undefined, warn: (message: string) => void): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const port = Number(raw);
  if (Number.isInteger(port) && port >= 1 && port <= 65_535) return port;
  warn(`SMTP_PORT must be a port number from 1 to 65535; got "${raw.slice(0, 20)}". Ignored; using the default port.`);
  return undefined;
}

function bySeverityFromEnv(raw: string | undefined): Partial<Record<Severity, string[]>> | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidAlertsOptionError('ALERTS_BY_SEVERITY must be JSON like {"critical":["oncall@example.com"],"low":[]}.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidAlertsOptionError('ALERTS_BY_SEVERITY must be a JSON object keyed by severity.');
  }
  const out: Partial<Record<Severity, string[]>> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!SEVERITIES.includes(key as Severity) || !Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new InvalidAlertsOptionError(`ALERTS_BY_SEVERITY: "${key}" must be one of ${SEVERITIES.join(', ')} with a list of addresses.`);
    }
    out[key as Severity] = value as string[];
  }
  return out;
}

function smtpFrom(o: SmtpOptions | undefined, env: NodeJS.ProcessEnv, warn: (message: string) => void): ResolvedSmtpOptions | undefined {
  const host = o?.host ?? (env.SMTP_HOST || undefined);
  if (!host) return undefined;
  const secure = o?.secure ?? ['1', 'true', 'yes', 'on'].includes((env.SMTP_SECURE ?? '').toLowerCase());
  return {
    host,
    port: whole(o?.port ?? portFromEnv(env.SMTP_PORT, warn), secure ? 465 : 587, 'smtp.port', 65_535),
    secure,
    requireTLS: o?.requireTLS ?? false,
    user: o?.user ?? (env.SMTP_USER || undefined),
    pass: o?.pass ?? (env.SMTP_PASS || undefined),
    from: o?.from ?? (env.ALERT_FROM || 'nest-error-recovery@localhost'),
    timeoutMs: positive(o?.timeoutMs, 10_000, 'smtp.timeoutMs'),
    allowSelfSigned: o?.allowSelfSigned ?? false,
  };
}

/** The one place where alert defaults live. `env` is injectable for tests. */
export function resolveAlertsOptions(
  o: AlertsOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => undefined,
): ResolvedAlertsOptions {
  const recipients = o.recipients ?? list(env.ERROR_ALERT_RECIPIENTS) ?? [];
  let fromEnv: Partial<Record<Severity, string[]>> | undefined;
  try {
    fromEnv = o.bySeverity ? undefined : bySeverityFromEnv(env.ALERTS_BY_SEVERITY);
  } catch (error) {
    // A bad variable must not stop the app: alerts fall back to `recipients`, and it is said loudly.
    warn(`${(error as Error).message} Ignored; using the default routing.`);
  }
  const overrides = o.bySeverity ?? fromEnv ?? {};
  const bySeverity = {
    critical: overrides.critical ?? recipients,
    high: overrides.high ?? recipients,
    medium: overrides.medium ?? recipients,
    low: overrides.low ?? [],
  };
  const webhookUrl = o.webhook?.url ?? (env.ALERT_WEBHOOK_URL || undefined);
  const slackUrl = o.slack?.webhookUrl ?? (env.SLACK_WEBHOOK_URL || undefined);
  const botToken = o.telegram?.botToken ?? (env.TELEGRAM_BOT_TOKEN || undefined);
  const chatId = o.telegram?.chatId ?? (env.TELEGRAM_CHAT_ID || undefined);
  const resolved: ResolvedAlertsOptions = {
    enabled: o.enabled ?? true,
    recipients,
    bySeverity,
    silenced: SEVERITIES.filter((s) => (overrides[s] === undefined ? s === 'low' : overrides[s].length === 0)),
    escalation: {
      recipients: o.escalation?.recipients ?? list(env.ERROR_ESCALATION_RECIPIENTS) ?? [],
      repeatThreshold: whole(o.escalation?.repeatThreshold, 10, 'escalation.repeatThreshold'),
      repeatWindowMinutes: positive(o.escalation?.repeatWindowMinutes, 5, 'escalation.repeatWindowMinutes'),
      strategyFailureThreshold: whole(o.escalation?.strategyFailureThreshold, 3, 'escalation.strategyFailureThreshold'),
    },
    smtp: smtpFrom(o.smtp, env, warn),
    webhook: webhookUrl
      ? { url: webhookUrl, secret: o.webhook?.secret ?? (env.ALERT_WEBHOOK_SECRET || undefined), timeoutMs: positive(o.webhook?.timeoutMs, 5000, 'webhook.timeoutMs') }
      : undefined,
    slack: slackUrl ? { webhookUrl: slackUrl, timeoutMs: positive(o.slack?.timeoutMs, 5000, 'slack.timeoutMs') } : undefined,
    telegram:
      botToken && chatId
        ? {
            botToken,
            chatId,
            baseUrl: (o.telegram?.baseUrl ?? 'https://api.telegram.org').replace(/\/+$/, ''),
            timeoutMs: positive(o.telegram?.timeoutMs, 5000, 'telegram.timeoutMs'),
          }
        : undefined,
    channels: o.channels ?? [],
    dedupWindowMs: positive(o.dedupWindowMinutes, 10, 'dedupWindowMinutes') * 60_000,
    maxEmailsPerMinute: whole(o.maxEmailsPerMinute, 30, 'maxEmailsPerMinute'),
    maxAttempts: whole(o.maxAttempts, 10, 'maxAttempts'),
    retryBaseMs: positive(o.retryBaseMs, 2000, 'retryBaseMs'),
    retryMaxMs: positive(o.retryMaxMs, 600_000, 'retryMaxMs'),
    leaseMs: positive(o.leaseMs, 60_000, 'leaseMs'),
    pollIntervalMs: positive(o.pollIntervalMs, 1000, 'pollIntervalMs'),
    retentionMs: positive(o.retentionDays, 30, 'retentionDays') * 86_400_000,
    baseUrl: o.baseUrl ? o.baseUrl.replace(/\/+$/, '') : null,
  };
  warnOnShortLease(resolved, warn);
  return resolved;
}

/**
 * A send gets `leaseMs / 2` before its outcome counts as unknown (and the row is sent again after
 * the lease). An SMTP send is several exchanges, each allowed `smtp.timeoutMs`: a lease shorter
 * than a few of those invites repeats.
 */
function warnOnShortLease(o: ResolvedAlertsOptions, warn: (message: string) => void): void {
  const slowest = Math.max(o.smtp ? o.smtp.timeoutMs * 3 : 0, o.webhook?.timeoutMs ?? 0, o.slack?.timeoutMs ?? 0, o.telegram?.timeoutMs ?? 0);
  if (o.leaseMs / 2 < slowest) {
    warn(`alerts.leaseMs (${o.leaseMs} ms) is short for the channel timeouts: a slow send may be repeated after its lease. Use at least ${slowest * 2} ms.`);
  }
}
