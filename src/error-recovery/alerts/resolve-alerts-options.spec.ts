import type { AlertChannel } from './channels/alert-channel.interface.js';
import type { AlertsOptions } from './alerts-options.interface.js';
import { InvalidAlertsOptionError, resolveAlertsOptions, type ResolvedAlertsOptions } from './resolve-alerts-options.js';

/** Resolves with the given environment only, collecting the warnings. */
function resolve(options: AlertsOptions = {}, env: NodeJS.ProcessEnv = {}): { resolved: ResolvedAlertsOptions; warnings: string[] } {
  const warnings: string[] = [];
  const resolved = resolveAlertsOptions(options, env, (m) => warnings.push(m));
  return { resolved, warnings };
}

describe('resolveAlertsOptions', () => {
  describe('defaults', () => {
    const { resolved, warnings } = resolve();

    it('turns alerting on with no recipients and no built-in channel', () => {
      expect(resolved).toMatchObject({ enabled: true, recipients: [], channels: [], baseUrl: null });
      expect(resolved.smtp).toBeUndefined();
      expect(resolved.webhook).toBeUndefined();
      expect(resolved.slack).toBeUndefined();
      expect(resolved.telegram).toBeUndefined();
      expect(warnings).toEqual([]);
    });

    it('sends critical, high and medium to the recipients and silences low', () => {
      expect(resolved.bySeverity).toEqual({ critical: [], high: [], medium: [], low: [] });
      expect(resolved.silenced).toEqual(['low']);
    });

    it('has the documented numbers, in ms', () => {
      expect(resolved.escalation).toEqual({ recipients: [], repeatThreshold: 10, repeatWindowMinutes: 5, strategyFailureThreshold: 3 });
      expect(resolved).toMatchObject({
        dedupWindowMs: 600_000,
        maxEmailsPerMinute: 30,
        maxAttempts: 10,
        retryBaseMs: 2000,
        retryMaxMs: 600_000,
        leaseMs: 60_000,
        pollIntervalMs: 1000,
      });
    });
  });

  describe('SMTP from the environment', () => {
    it('is off without SMTP_HOST, whatever else is set', () => {
      expect(resolve({}, { SMTP_PORT: '2525', SMTP_USER: 'u', SMTP_PASS: 'p', ALERT_FROM: 'a@example.com' }).resolved.smtp).toBeUndefined();
      expect(resolve({}, { SMTP_HOST: '' }).resolved.smtp).toBeUndefined();
    });

    it('reads every variable', () => {
      const env = { SMTP_HOST: 'smtp.example.com', SMTP_PORT: '2525', SMTP_SECURE: 'true', SMTP_USER: 'alerts', SMTP_PASS: 's3cret', ALERT_FROM: 'ops@example.com' };
      expect(resolve({}, env).resolved.smtp).toEqual({
        host: 'smtp.example.com',
        port: 2525,
        secure: true,
        requireTLS: false,
        user: 'alerts',
        pass: 's3cret',
        from: 'ops@example.com',
        timeoutMs: 10_000,
        allowSelfSigned: false,
      });
    });

    it.each<[string, string | undefined, boolean, number]>([
      ['unset', undefined, false, 587],
      ['"true"', 'true', true, 465],
      ['"1"', '1', true, 465],
      ['"YES"', 'YES', true, 465],
      ['"on"', 'on', true, 465],
      ['"false"', 'false', false, 587],
      ['"0"', '0', false, 587],
      ['empty', '', false, 587],
    ])('SMTP_SECURE %s: secure %s, default port %d', (_name, value, secure, port) => {
      const env: NodeJS.ProcessEnv = { SMTP_HOST: 'smtp.example.com' };
      if (value !== undefined) env.SMTP_SECURE = value;
      expect(resolve({}, env).resolved.smtp).toMatchObject({ secure, port });
    });

    it('leaves user and pass unset and uses the default sender when they are empty', () => {
      const smtp = resolve({}, { SMTP_HOST: 'smtp.example.com', SMTP_USER: '', SMTP_PASS: '', ALERT_FROM: '', SMTP_PORT: '' }).resolved.smtp!;
      expect(smtp.user).toBeUndefined();
      expect(smtp.pass).toBeUndefined();
      expect(smtp.from).toBe('nest-error-recovery@localhost');
      expect(smtp.port).toBe(587);
    });

    it('lets each option win over its variable', () => {
      const env = { SMTP_HOST: 'env.example.com', SMTP_PORT: '2525', SMTP_SECURE: 'true', SMTP_USER: 'env-user', SMTP_PASS: 'env-pass', ALERT_FROM: 'env@example.com' };
      const smtp = resolve({ smtp: { host: 'opt.example.com', port: 25, secure: false, user: 'opt-user', pass: 'opt-pass', from: 'opt@example.com' } }, env).resolved.smtp;
      expect(smtp).toMatchObject({ host: 'opt.example.com', port: 25, secure: false, user: 'opt-user', pass: 'opt-pass', from: 'opt@example.com' });
    });

    it('fills what the options leave out from the environment', () => {
      const smtp = resolve({ smtp: { host: 'opt.example.com' } }, { SMTP_PORT: '2525', SMTP_USER: 'env-user', ALERT_FROM: 'env@example.com' }).resolved.smtp;
      expect(smtp).toMatchObject({ host: 'opt.example.com', port: 2525, user: 'env-user', from: 'env@example.com' });
    });

    it('derives the default port from the secure option', () => {
      expect(resolve({ smtp: { host: 'h', secure: true } }).resolved.smtp!.port).toBe(465);
    });
  });

  describe('recipients', () => {
    it.each<[string, string, string[]]>([
      ['commas', 'a@example.com,b@example.com', ['a@example.com', 'b@example.com']],
      ['commas and spaces', ' a@example.com , b@example.com ,, ', ['a@example.com', 'b@example.com']],
      ['spaces and newlines', 'a@example.com b@example.com\nc@example.com', ['a@example.com', 'b@example.com', 'c@example.com']],
      ['semicolons', 'a@example.com;b@example.com', ['a@example.com', 'b@example.com']],
    ])('ERROR_ALERT_RECIPIENTS separated by %s', (_name, raw, expected) => {
      const { resolved } = resolve({}, { ERROR_ALERT_RECIPIENTS: raw });
      expect(resolved.recipients).toEqual(expected);
      expect(resolved.bySeverity).toEqual({ critical: expected, high: expected, medium: expected, low: [] });
    });

    it('reads ERROR_ESCALATION_RECIPIENTS the same way', () => {
      expect(resolve({}, { ERROR_ESCALATION_RECIPIENTS: 'cto@example.com, oncall@example.com' }).resolved.escalation.recipients).toEqual(['cto@example.com', 'oncall@example.com']);
    });

    it('treats a blank variable as unset', () => {
      const { resolved } = resolve({}, { ERROR_ALERT_RECIPIENTS: '  ', ERROR_ESCALATION_RECIPIENTS: '' });
      expect(resolved.recipients).toEqual([]);
      expect(resolved.escalation.recipients).toEqual([]);
    });

    it('lets the options win over the variables, even an empty list', () => {
      const env = { ERROR_ALERT_RECIPIENTS: 'env@example.com', ERROR_ESCALATION_RECIPIENTS: 'env-cto@example.com' };
      const { resolved } = resolve({ recipients: ['opt@example.com'], escalation: { recipients: [] } }, env);
      expect(resolved.recipients).toEqual(['opt@example.com']);
      expect(resolved.escalation.recipients).toEqual([]);
    });
  });

  describe('bySeverity and silenced', () => {
    it('reads ALERTS_BY_SEVERITY over the recipients', () => {
      const { resolved, warnings } = resolve({}, { ERROR_ALERT_RECIPIENTS: 'team@example.com', ALERTS_BY_SEVERITY: '{"critical":["oncall@example.com"],"medium":[],"low":["noise@example.com"]}' });
      expect(resolved.bySeverity).toEqual({ critical: ['oncall@example.com'], high: ['team@example.com'], medium: [], low: ['noise@example.com'] });
      expect(resolved.silenced).toEqual(['medium']);
      expect(warnings).toEqual([]);
    });

    it.each<[string, string, RegExp]>([
      ['invalid JSON', '{critical: [oncall]}', /ALERTS_BY_SEVERITY must be JSON/],
      ['a JSON array', '["oncall@example.com"]', /JSON object keyed by severity/],
      ['JSON null', 'null', /JSON object keyed by severity/],
      ['an unknown severity', '{"urgent":["oncall@example.com"]}', /"urgent" must be one of critical, high, medium, low/],
      ['a string instead of a list', '{"critical":"oncall@example.com"}', /"critical" must be one of/],
      ['a list with a number', '{"critical":["oncall@example.com",42]}', /"critical" must be one of/],
    ])('warns about %s and falls back to the default routing', (_name, raw, message) => {
      const { resolved, warnings } = resolve({}, { ERROR_ALERT_RECIPIENTS: 'team@example.com', ALERTS_BY_SEVERITY: raw });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(message);
      expect(warnings[0]).toMatch(/Ignored; using the default routing\.$/);
      const team = ['team@example.com'];
      expect(resolved.bySeverity).toEqual({ critical: team, high: team, medium: team, low: [] });
      expect(resolved.silenced).toEqual(['low']);
    });

    it('lets the bySeverity option win, without reading (or warning about) the variable', () => {
      const { resolved, warnings } = resolve({ bySeverity: { high: ['opt@example.com'] } }, { ALERTS_BY_SEVERITY: 'not json' });
      expect(resolved.bySeverity.high).toEqual(['opt@example.com']);
      expect(warnings).toEqual([]);
    });

    it.each<[string, AlertsOptions['bySeverity'], string[]]>([
      ['nothing given: low only', {}, ['low']],
      ['an empty list for critical and high', { critical: [], high: [] }, ['critical', 'high', 'low']],
      ['addresses for low', { low: ['noise@example.com'] }, []],
      ['an empty list for low', { low: [] }, ['low']],
    ])('silences %s', (_name, bySeverity, silenced) => {
      expect(resolve({ recipients: ['team@example.com'], bySeverity }).resolved.silenced).toEqual(silenced);
    });
  });

  describe('chat and webhook channels', () => {
    it('reads ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET', () => {
      const { resolved } = resolve({}, { ALERT_WEBHOOK_URL: 'https://hooks.example.com/alerts', ALERT_WEBHOOK_SECRET: 'k' });
      expect(resolved.webhook).toEqual({ url: 'https://hooks.example.com/alerts', secret: 'k', timeoutMs: 5000 });
    });

    it('has no webhook without a URL, secret or not', () => {
      expect(resolve({}, { ALERT_WEBHOOK_SECRET: 'k' }).resolved.webhook).toBeUndefined();
    });

    it('lets webhook options win over the variables', () => {
      const { resolved } = resolve({ webhook: { url: 'https://opt.example.com', secret: 'opt', timeoutMs: 1000 } }, { ALERT_WEBHOOK_URL: 'https://env.example.com', ALERT_WEBHOOK_SECRET: 'env' });
      expect(resolved.webhook).toEqual({ url: 'https://opt.example.com', secret: 'opt', timeoutMs: 1000 });
    });

    it('reads SLACK_WEBHOOK_URL, the option winning', () => {
      expect(resolve({}, { SLACK_WEBHOOK_URL: 'https://hooks.slack.example/T1' }).resolved.slack).toEqual({ webhookUrl: 'https://hooks.slack.example/T1', timeoutMs: 5000 });
      expect(resolve({ slack: { webhookUrl: 'https://opt.example' } }, { SLACK_WEBHOOK_URL: 'https://env.example' }).resolved.slack!.webhookUrl).toBe('https://opt.example');
    });

    it.each<[string, NodeJS.ProcessEnv, boolean]>([
      ['both variables', { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_CHAT_ID: '-100' }, true],
      ['the token only', { TELEGRAM_BOT_TOKEN: '123:abc' }, false],
      ['the chat id only', { TELEGRAM_CHAT_ID: '-100' }, false],
      ['an empty chat id', { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_CHAT_ID: '' }, false],
    ])('telegram with %s: configured %s', (_name, env, configured) => {
      const { telegram } = resolve({}, env).resolved;
      if (configured) expect(telegram).toEqual({ botToken: '123:abc', chatId: '-100', baseUrl: 'https://api.telegram.org', timeoutMs: 5000 });
      else expect(telegram).toBeUndefined();
    });

    it('lets telegram options win and trims the slash off the base URL', () => {
      const { telegram } = resolve({ telegram: { botToken: 'opt', chatId: '7', baseUrl: 'http://127.0.0.1:9000//' } }, { TELEGRAM_BOT_TOKEN: 'env', TELEGRAM_CHAT_ID: '-100' }).resolved;
      expect(telegram).toEqual({ botToken: 'opt', chatId: '7', baseUrl: 'http://127.0.0.1:9000', timeoutMs: 5000 });
    });
  });

  describe('other options', () => {
    it('keeps enabled: false, the channels and the base URL without its trailing slash', () => {
      const pager: AlertChannel = { name: 'pager', send: async () => undefined };
      const { resolved } = resolve({ enabled: false, channels: [pager], baseUrl: 'https://ops.example.com/' });
      expect(resolved.enabled).toBe(false);
      expect(resolved.channels).toEqual([pager]);
      expect(resolved.baseUrl).toBe('https://ops.example.com');
    });

    it('converts minutes to ms and keeps whole counts', () => {
      const { resolved } = resolve({ dedupWindowMinutes: 1.5, maxEmailsPerMinute: 12, maxAttempts: 3 });
      expect(resolved.dedupWindowMs).toBe(90_000);
      expect(resolved.maxEmailsPerMinute).toBe(12);
      expect(resolved.maxAttempts).toBe(3);
    });
  });

  describe('invalid numbers', () => {
    it.each<[string, AlertsOptions, string]>([
      ['zero', { maxEmailsPerMinute: 0 }, `alerts.maxEmailsPerMinute must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}; got 0.`],
      ['negative', { retryBaseMs: -5 }, 'alerts.retryBaseMs must be a positive number; got -5.'],
      ['NaN', { leaseMs: Number.NaN }, 'alerts.leaseMs must be a positive number; got NaN.'],
      ['Infinity', { pollIntervalMs: Infinity }, 'alerts.pollIntervalMs must be a positive number; got Infinity.'],
      ['an escalation number', { escalation: { repeatThreshold: 0 } }, `alerts.escalation.repeatThreshold must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}; got 0.`],
      ['a channel timeout', { webhook: { url: 'https://x.example', timeoutMs: -1 } }, 'alerts.webhook.timeoutMs must be a positive number; got -1.'],
      ['an SMTP port', { smtp: { host: 'h', port: 0 } }, 'alerts.smtp.port must be a whole number from 1 to 65535; got 0.'],
      ['an SMTP port out of range', { smtp: { host: 'h', port: 70_000 } }, 'alerts.smtp.port must be a whole number from 1 to 65535; got 70000.'],
    ])('throws InvalidAlertsOptionError naming the option for %s', (_name, options, message) => {
      const run = () => resolve(options);
      expect(run).toThrow(InvalidAlertsOptionError);
      expect(run).toThrow(message);
    });

    it.each<[string, AlertsOptions]>([
      // A fraction would round to a count nobody meant (0: no e-mail ever claimed, no retry).
      ['maxEmailsPerMinute 0.5', { maxEmailsPerMinute: 0.5 }],
      ['maxAttempts 0.5', { maxAttempts: 0.5 }],
      ['maxAttempts 3.2', { maxAttempts: 3.2 }],
    ])('rejects %s: counts are whole numbers', (_name, options) => {
      expect(() => resolve(options)).toThrow(InvalidAlertsOptionError);
    });

    it.each(['abc', '0', '70000', '25.5'])('warns naming SMTP_PORT=%s and its value, and uses the default port', (raw) => {
      const { resolved, warnings } = resolve({}, { SMTP_HOST: 'smtp.example.com', SMTP_PORT: raw });
      expect(resolved.smtp?.port).toBe(587);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`SMTP_PORT must be a port number from 1 to 65535; got "${raw}"`);
    });

    it('is an Error with its own name', () => {
      const error = new InvalidAlertsOptionError('x');
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('InvalidAlertsOptionError');
    });
  });
});
