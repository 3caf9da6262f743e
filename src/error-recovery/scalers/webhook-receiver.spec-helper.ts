import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook call as the receiver saw it. */
export interface ReceivedWebhook {
  method: string;
  contentType: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The signature matched an HMAC-SHA256 of `"<timestamp>.<body>"` and the timestamp is fresh. */
  valid: boolean;
  body: Record<string, unknown>;
}

/**
 * A webhook receiver on loopback, for tests. It verifies every call itself (its own HMAC, not the
 * library's helper), answers 401 to a bad signature or a stale timestamp, else `status` (202).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Status of the answer to a valid call. */
  status = 202;
  /** Delay before answering, ms (to test timeouts). */
  delayMs = 0;
  private server: http.Server | undefined;
  private port = 0;

  constructor(private readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/scale`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const timestamp = req.headers['x-timestamp'] as string | undefined;
        const signature = req.headers['x-signature'] as string | undefined;
        const expected = `sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${raw}`).digest('hex')}`;
        const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
        const valid = req.method === 'POST' && req.url === '/hooks/scale' && signature === expected && fresh;
        this.received.push({ method: req.method ?? '', contentType: req.headers['content-type'], timestamp, signature, valid, body: JSON.parse(raw) as Record<string, unknown> });
        const answer = () => res.writeHead(valid ? this.status : 401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ accepted: valid }));
        if (this.delayMs > 0) setTimeout(answer, this.delayMs).unref();
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
