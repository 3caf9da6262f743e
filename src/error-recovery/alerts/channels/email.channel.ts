import type { SMTPSentMessageInfo, SMTPTransportOptions, Transporter } from 'nodemailer';
import { readProp } from '../../common/safe-read.js';
import type { AlertDelivery } from '../alert.interface.js';
import type { ResolvedSmtpOptions } from '../resolve-alerts-options.js';
import { alertHtml } from '../templates/alert-html.js';
import { alertSubject } from '../templates/alert-subject.js';
import { alertText } from '../templates/alert-text.js';
import { oneLine } from '../templates/escape.js';
import type { AlertChannel } from './alert-channel.interface.js';

/** Domain part of the Message-ID `<deliveryId@nest-error-recovery>`. */
export const MESSAGE_ID_DOMAIN = 'nest-error-recovery';

/**
 * E-mail through an SMTP server (nodemailer, one connection per message). The Message-ID is
 * derived from the delivery id, so a delivery re-sent after a crash is recognisably the same mail
 * and mail systems can drop the duplicate. Rejections carry the SMTP reply code when there is one
 * (`SMTP 421: Service not available`), on one line, never the password.
 */
export class EmailChannel implements AlertChannel {
  readonly name = 'email';
  /** nodemailer is loaded on the first message or verify, not at start-up: an app without SMTP never loads it. */
  private transport?: Promise<Transporter<SMTPSentMessageInfo, SMTPTransportOptions>>;

  constructor(private readonly smtp: ResolvedSmtpOptions) {}

  private transporter(): Promise<Transporter<SMTPSentMessageInfo, SMTPTransportOptions>> {
    const smtp = this.smtp;
    this.transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        requireTLS: smtp.requireTLS,
        auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
        connectionTimeout: smtp.timeoutMs,
        greetingTimeout: smtp.timeoutMs,
        socketTimeout: smtp.timeoutMs,
        tls: { rejectUnauthorized: !smtp.allowSelfSigned },
        // Alerts never attach files or fetch URLs: refuse both should data ever ask for it.
        disableFileAccess: true,
        disableUrlAccess: true,
        logger: false,
      }),
    );
    return this.transport;
  }

  accepts(delivery: AlertDelivery): boolean {
    return delivery.recipients.length > 0;
  }

  async send(delivery: AlertDelivery): Promise<void> {
    const { alert } = delivery;
    try {
      const transport = await this.transporter();
      await transport.sendMail({
        from: this.smtp.from,
        to: delivery.recipients,
        subject: alertSubject(alert),
        text: alertText(alert),
        html: alertHtml(alert),
        messageId: `<${headerToken(delivery.id)}@${MESSAGE_ID_DOMAIN}>`,
        headers: {
          'X-Alert-Id': oneLine(alert.id, 100),
          'X-Alert-Kind': oneLine(alert.kind, 50),
          'X-Alert-Severity': oneLine(alert.severity, 20),
        },
      });
    } catch (error) {
      throw this.describe(error);
    }
  }

  async verify(): Promise<void> {
    try {
      await (await this.transporter()).verify();
    } catch (error) {
      throw this.describe(error);
    }
  }

  async close(): Promise<void> {
    // Never opened: nothing to close (and no reason to load nodemailer now).
    const transport = await this.transport?.catch(() => undefined);
    transport?.close();
  }

  /** `SMTP <code>: <reply>` or `<code>: <message>`, one line, ≤ 300 characters, password scrubbed. */
  private describe(error: unknown): Error {
    const responseCode = readProp(error, 'responseCode');
    const response = readProp(error, 'response');
    const code = readProp(error, 'code');
    const message = String(readProp(error, 'message') ?? error);
    let text: string;
    if (typeof responseCode === 'number') {
      const reply = typeof response === 'string' && response !== '' ? response.replace(/^\d{3}[ -]/, '') : message;
      text = `SMTP ${responseCode}: ${reply}`;
    } else {
      text = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
    }
    const pass = this.smtp.pass;
    if (pass) text = text.split(pass).join('***');
    return new Error(oneLine(text, 300));
  }
}

/** The id as it may appear inside a Message-ID: letters, digits and `.-_` only. */
function headerToken(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '') || 'alert';
}
