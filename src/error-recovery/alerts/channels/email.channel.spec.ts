import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { AlertDelivery } from '../alert.interface.js';
import type { ResolvedSmtpOptions } from '../resolve-alerts-options.js';
import { CRLF_TITLE, fullAlert, hostileAlert, XSS_IMG, XSS_SCRIPT } from '../templates/alert-fixtures.spec-helper.js';
import { escapeHtml } from '../templates/escape.js';
import { EmailChannel } from './email.channel.js';
import { rejectionOf } from './http-receiver.spec-helper.js';

/** One message as the SMTP server received it. */
interface Received {
  rcptTo: string[];
  mail: ParsedMail;
}

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });
const addresses = (to: AddressObject | AddressObject[] | undefined) => [to ?? []].flat().flatMap((a) => a.value.map((v) => v.address));

const servers: { close(cb: () => void): void }[] = [];
const channels: EmailChannel[] = [];
afterEach(async () => {
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(resolve))));
});

/** A real SMTP server on 127.0.0.1 (no TLS) that parses and keeps every message it accepts. */
async function smtpServer(options: SMTPServerOptions = {}): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
    ...options,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, received };
}

function channel(port: number, overrides: Partial<ResolvedSmtpOptions> = {}): EmailChannel {
  const created = new EmailChannel({ host: '127.0.0.1', port, secure: false, requireTLS: false, from: 'alerts@example.com', timeoutMs: 2000, allowSelfSigned: false, ...overrides });
  channels.push(created);
  return created;
}

const delivery = (overrides: Partial<AlertDelivery> = {}): AlertDelivery => ({
  id: '7f3e0000-0000-4000-8000-0000000000aa',
  alert: hostileAlert(),
  recipients: ['oncall@example.com', 'dev@example.com'],
  attempt: 1,
  ...overrides,
});

describe('EmailChannel (SMTP server on loopback)', () => {
  it('sends the alert as text and HTML to the recipients, with a deterministic Message-ID', async () => {
    const { port, received } = await smtpServer();
    await channel(port).send(delivery());
    expect(received).toHaveLength(1);
    const [{ rcptTo, mail }] = received;
    expect(rcptTo).toEqual(['oncall@example.com', 'dev@example.com']);
    expect(addresses(mail.to)).toEqual(['oncall@example.com', 'dev@example.com']);
    expect(addresses(mail.from)).toEqual(['alerts@example.com']);
    expect(mail.subject).toBe(`[CRITICAL] ${XSS_SCRIPT} in ${XSS_IMG}`);
    expect(mail.messageId).toBe('<7f3e0000-0000-4000-8000-0000000000aa@nest-error-recovery>');
    expect(mail.headers.get('x-alert-id')).toBe(hostileAlert().id);
    expect(mail.headers.get('x-alert-kind')).toBe('error');
    expect(mail.headers.get('x-alert-severity')).toBe('critical');
    expect(mail.text).toContain(`Route: POST /x/${XSS_IMG}\n`);
    expect(mail.text).toContain('Recovery: recovered by pool_increase\n');
    expect(mail.html).toContain(escapeHtml(XSS_SCRIPT));
    expect(mail.html).not.toContain(XSS_SCRIPT);
    expect(mail.html).not.toContain('<img');
  });

  it('keeps a CRLF title on one subject line: no injected header, no extra recipient', async () => {
    const { port, received } = await smtpServer();
    await channel(port).send(delivery({ alert: fullAlert({ title: CRLF_TITLE }), recipients: ['oncall@example.com'] }));
    const [{ rcptTo, mail }] = received;
    expect(mail.subject).toBe('[CRITICAL] boom Bcc: evil@x.test');
    expect(mail.bcc).toBeUndefined();
    expect(mail.headerLines.filter((h) => h.key === 'bcc')).toEqual([]);
    expect(rcptTo).toEqual(['oncall@example.com']);
  });

  it('only accepts deliveries with recipients', () => {
    const email = channel(25);
    expect(email.accepts(delivery())).toBe(true);
    expect(email.accepts(delivery({ recipients: [] }))).toBe(false);
  });

  it.each([
    ['RCPT TO', { onRcptTo: (_a: unknown, _s: unknown, cb: (e: Error) => void) => cb(smtpError('Service not available, try later', 421)) }],
    ['DATA', { onData: (stream: NodeJS.ReadableStream, _s: unknown, cb: (e: Error) => void) => stream.on('end', () => cb(smtpError('Too busy, try later', 421))).resume() }],
  ] as [string, SMTPServerOptions][])('rejects with the SMTP code when the server answers 421 to %s', async (_step, handlers) => {
    const { port, received } = await smtpServer(handlers);
    const error = await rejectionOf(channel(port).send(delivery()));
    expect(error.message).toMatch(/^SMTP 421: /);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.length).toBeLessThanOrEqual(300);
    expect(received).toEqual([]);
  });

  describe('with authentication', () => {
    const authServer = () =>
      smtpServer({
        authOptional: false,
        authMethods: ['PLAIN', 'LOGIN'],
        allowInsecureAuth: true,
        onAuth(auth, _session, callback) {
          if (auth.username === 'alerts' && auth.password === 'c0rrect-h0rse') callback(null, { user: auth.username });
          else callback(smtpError('Invalid username or password', 535));
        },
      });

    it('logs in and sends with the right credentials', async () => {
      const { port, received } = await authServer();
      const email = channel(port, { user: 'alerts', pass: 'c0rrect-h0rse' });
      await expect(email.verify()).resolves.toBeUndefined();
      await email.send(delivery());
      expect(received).toHaveLength(1);
    });

    it('rejects wrong credentials with the code, never the password', async () => {
      const { port, received } = await authServer();
      const email = channel(port, { user: 'alerts', pass: 'wr0ng-battery' });
      const error = await rejectionOf(email.send(delivery()));
      expect(error.message).toMatch(/^SMTP 535: /);
      expect(error.message).not.toContain('wr0ng-battery');
      await expect(email.verify()).rejects.toThrow(/^SMTP 535: /);
      expect(received).toEqual([]);
    });

    it('is refused without credentials', async () => {
      const { port } = await authServer();
      await expect(channel(port).send(delivery())).rejects.toThrow(/^SMTP 530: /);
    });
  });

  it('gives up on a server that accepts the connection but never greets', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket.on('close', () => sockets.delete(socket))));
    servers.push({ close: (cb) => (sockets.forEach((s) => s.destroy()), silent.close(cb)) });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const started = Date.now();
    const error = await rejectionOf(channel((silent.address() as AddressInfo).port, { timeoutMs: 300 }).send(delivery()));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.message).toMatch(/ETIMEDOUT|greeting/i);
  });
});
