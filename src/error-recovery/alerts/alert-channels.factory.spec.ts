import { jest } from '@jest/globals';

// nodemailer is observed, not used: its factory runs when (and only when) something imports it.
const mailer = { loads: 0, transports: 0, verified: 0, closed: 0 };
jest.unstable_mockModule('nodemailer', () => {
  mailer.loads++;
  return {
    createTransport: () => {
      mailer.transports++;
      return {
        verify: async () => void mailer.verified++,
        sendMail: async () => ({ messageId: 'x' }),
        close: () => void mailer.closed++,
      };
    },
  };
});
const { createAlertChannels } = await import('./alert-channels.factory.js');
const { resolveAlertsOptions } = await import('./resolve-alerts-options.js');

const SMTP_ENV = { SMTP_HOST: '127.0.0.1', SMTP_PORT: '2525', ALERT_FROM: 'ops@example.com' };

describe('createAlertChannels loads what is configured, when it is used', () => {
  beforeEach(() => Object.assign(mailer, { loads: 0, transports: 0, verified: 0, closed: 0 }));

  it('builds no channel and loads no mailer when alerting is off', async () => {
    expect(await createAlertChannels(resolveAlertsOptions({ enabled: false }, SMTP_ENV))).toEqual([]);
    expect(mailer.loads).toBe(0);
  });

  it('builds the webhook channel alone without loading nodemailer', async () => {
    const channels = await createAlertChannels(resolveAlertsOptions({ webhook: { url: 'http://127.0.0.1:9/alerts' } }, {}));
    expect(channels.map((c) => c.name)).toEqual(['webhook']);
    expect(mailer.loads).toBe(0);
  });

  it('builds the e-mail channel at start-up but loads nodemailer on its first verify, once', async () => {
    const [email] = await createAlertChannels(resolveAlertsOptions({}, SMTP_ENV));
    expect(email.name).toBe('email');
    expect(mailer.loads).toBe(0);
    await email.verify?.();
    await email.verify?.();
    expect(mailer).toEqual({ loads: 1, transports: 1, verified: 2, closed: 0 });
    await email.close?.();
    expect(mailer.closed).toBe(1);
  });

  it('closes an e-mail channel that never sent without loading nodemailer', async () => {
    const [email] = await createAlertChannels(resolveAlertsOptions({}, SMTP_ENV));
    await email.close?.();
    expect(mailer).toEqual({ loads: 0, transports: 0, verified: 0, closed: 0 });
  });
});
