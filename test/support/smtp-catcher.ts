import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** A mail as it arrived: the SMTP envelope and the parsed message. */
export interface CaughtMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1 for e2e tests. `mode` makes it accept, refuse every mail with
 * 421 (try later), or hang after the greeting. It can be stopped and started again on the same port.
 */
export class SmtpCatcher {
  readonly mails: CaughtMail[] = [];
  mode: 'accept' | 'refuse' | 'hang' = 'accept';
  /** Real time the server takes before accepting a message, ms (a slow relay). */
  delayMs = 0;
  port = 0;
  private server: SMTPServer | undefined;

  private create(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onMailFrom: (_address: SMTPServerAddress, _session, callback) => {
        if (this.mode === 'hang') return; // never answers: the client's socket timeout must end it
        if (this.mode === 'refuse') return callback(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then((parsed) => {
            this.mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed, raw });
            if (this.delayMs > 0) setTimeout(() => callback(), this.delayMs);
            else callback();
          }, callback);
        });
      },
    });
  }

  async start(): Promise<this> {
    this.server = this.create();
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Mails whose subject contains `text`. */
  withSubject(text: string): CaughtMail[] {
    return this.mails.filter((m) => (m.parsed.subject ?? '').includes(text));
  }
}
