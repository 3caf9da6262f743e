import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** The HTTP adapters the demo runs on. */
export const DEMO_ADAPTERS = ['express', 'fastify'] as const;
export type DemoAdapter = (typeof DEMO_ADAPTERS)[number];

/** `ADAPTER` from the environment: `express` (the default, also when empty) or `fastify`, any case. */
export function demoAdapter(env: NodeJS.ProcessEnv): DemoAdapter {
  const value = (env.ADAPTER ?? '').trim().toLowerCase();
  if (value === '') return 'express';
  if ((DEMO_ADAPTERS as readonly string[]).includes(value)) return value as DemoAdapter;
  throw new Error(`ADAPTER=${env.ADAPTER} is not an adapter the demo runs on: use ADAPTER=express (the default) or ADAPTER=fastify.`);
}

/**
 * Creates the demo app on the chosen adapter. `@nestjs/platform-fastify` is imported only when
 * chosen: an app on Express never loads it.
 */
export async function createDemoApp(module: DynamicModule, adapter: DemoAdapter, options: NestApplicationOptions = {}): Promise<INestApplication> {
  if (adapter === 'express') return NestFactory.create(module, options);
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return NestFactory.create(module, new FastifyAdapter(), options);
}
