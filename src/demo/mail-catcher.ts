/**
 * A tiny SMTP server for the demo: it accepts every mail on 127.0.0.1 and prints it, so alert
 * e-mails can be watched without a real mail server. `npm run mail-catcher`; stop with Ctrl-C.
 *
 * Env: MAIL_CATCHER_PORT (default 1025). No authentication and no STARTTLS: loopback only.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 1025;
/** How long a stop waits for open SMTP sessions before cutting them, ms. */
const CLOSE_TIMEOUT_MS = 2000;

const out = (text: string): void => void process.stdout.write(`${text}\n`);
const fail = (text: string): void => void process.stderr.write(`mail-catcher: ${text}\n`);

/** The port from MAIL_CATCHER_PORT, or undefined (after saying why) when it is not a usable port. */
function portFromEnv(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
  fail(`MAIL_CATCHER_PORT must be a port number (0-65535); got "${raw}".`);
  return undefined;
}

/** One received mail as readable lines: envelope, subject, the text part, the HTML part's size. */
function describe(session: SMTPServerSession, mail: ParsedMail): string {
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '(none)';
  const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
  const html = typeof mail.html === 'string' ? `${mail.html.length} characters (not shown)` : 'none';
  return [
    `──── mail received ${new Date().toISOString()} ────`,
    `Envelope from: ${from}`,
    `Envelope to:   ${to}`,
    `Subject:       ${mail.subject ?? '(none)'}`,
    `HTML part:     ${html}`,
    '',
    (mail.text ?? '(no text part)').trimEnd(),
    '',
  ].join('\n');
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  closeTimeout: CLOSE_TIMEOUT_MS,
  onData(stream, session, callback) {
    simpleParser(stream).then(
      (mail) => {
        out(describe(session, mail));
        callback();
      },
      (error: unknown) => {
        const err = error instanceof Error ? error : new Error(String(error));
        fail(`could not parse a mail: ${err.message}`);
        callback(err);
      },
    );
  },
});

let listening = false;
// Listen failures (port taken) end the script; a client's broken connection is only reported.
server.on('error', (error) => {
  fail(listening ? error.message : `cannot listen on ${HOST}: ${error.message}`);
  if (!listening) process.exitCode = 1;
});

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  out(`\n${signal}: stopping the mail catcher.`);
  server.close(() => out('mail catcher stopped.'));
}

const port = portFromEnv(process.env.MAIL_CATCHER_PORT);
if (port === undefined) {
  process.exitCode = 1;
} else {
  server.listen(port, HOST, () => {
    listening = true;
    const actual = (server.server.address() as AddressInfo).port;
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    out(
      [
        `mail catcher listening on smtp://${HOST}:${actual} (no auth, no TLS); every mail is printed here.`,
        'Point the demo at it, in another terminal:',
        `  SMTP_HOST=${HOST} SMTP_PORT=${actual} ERROR_ALERT_RECIPIENTS=you@example.test npm start`,
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
  });
}
