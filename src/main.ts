import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { demoBanner } from './demo/demo-banner.js';
import { startDemoServer } from './demo/demo-server.js';

async function bootstrap(): Promise<void> {
  // ADAPTER=fastify runs the demo on Fastify; Express otherwise.
  const { url, adapter, admin } = await startDemoServer(process.env);
  new Logger('Demo').log(demoBanner(url, admin, process.env, adapter));
}

void bootstrap();
