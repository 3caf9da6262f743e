import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';

/** How a fake model answers: `up` (200), `down` (503), `slow` (answers after 3 s). */
export type FakeModelMode = 'up' | 'down' | 'slow';

/** The three fake models of the demo's fallback chain, primary first. */
export const FAKE_MODELS = ['primary', 'secondary', 'tertiary'] as const;
export type FakeModelName = (typeof FAKE_MODELS)[number];

/**
 * Three fake "AI model" HTTP servers on 127.0.0.1 (random ports), started and stopped with the demo
 * module. `GET /complete?prompt=…` answers `{ model, text }`, or 503 / slowly when switched so.
 */
@Injectable()
export class FakeModelServers implements OnModuleInit, OnModuleDestroy {
  private readonly modes = new Map<FakeModelName, FakeModelMode>(FAKE_MODELS.map((m) => [m, 'up']));
  private readonly servers = new Map<FakeModelName, Server>();

  async onModuleInit(): Promise<void> {
    for (const model of FAKE_MODELS) {
      const server = createServer((req, res) => {
        const mode = this.modes.get(model);
        const prompt = new URL(req.url ?? '/', 'http://x').searchParams.get('prompt') ?? '';
        const answer = (): void => {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ model, text: `${model} answers: ${prompt.slice(0, 200)}` }));
        };
        if (mode === 'down') res.writeHead(503, { 'content-type': 'text/plain' }).end('model overloaded');
        else if (mode === 'slow') setTimeout(answer, 3000).unref();
        else answer();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.set(model, server);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(
      [...this.servers.values()].map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
    this.servers.clear();
  }

  /** Base URL of `model`. */
  url(model: FakeModelName): string {
    const address = this.servers.get(model)?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error(`fake model "${model}" is not running`);
    return `http://127.0.0.1:${address.port}`;
  }

  set(model: FakeModelName, mode: FakeModelMode): void {
    this.modes.set(model, mode);
  }

  modesNow(): Record<FakeModelName, FakeModelMode> {
    return Object.fromEntries(this.modes) as Record<FakeModelName, FakeModelMode>;
  }
}
