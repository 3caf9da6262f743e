import 'reflect-metadata';
import { Injectable, Logger, Scope } from '@nestjs/common';
import { jest } from '@jest/globals';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { isDuplicateDeadLetterHandlerError } from '../errors/duplicate-dead-letter-handler.error.js';
import { DeadLetterHandler } from './dead-letter-handler.decorator.js';
import { DeadLetterHandlers } from './dead-letter-handlers.registry.js';

@Injectable()
class Invoices {
  saved: unknown[] = [];

  @DeadLetterHandler('save_invoice', { keepFields: ['card_token'] })
  save(payload: unknown): string {
    this.saved.push(payload);
    return 'ok';
  }
}

@Injectable({ scope: Scope.REQUEST })
class PerRequest {
  @DeadLetterHandler('per_request')
  run(): void {}
}

async function discover(...providers: (new (...args: never[]) => object)[]): Promise<DeadLetterHandlers> {
  const ref = await Test.createTestingModule({ imports: [DiscoveryModule], providers }).compile();
  const registry = new DeadLetterHandlers(ref.get(DiscoveryService), ref.get(MetadataScanner));
  registry.onModuleInit();
  return registry;
}

describe('DeadLetterHandlers', () => {
  afterEach(() => jest.restoreAllMocks());

  it('finds the decorated methods of singleton providers and runs them on their instance', async () => {
    const registry = await discover(Invoices);
    expect(registry.names()).toEqual(['save_invoice']);
    const handler = registry.get('save_invoice')!;
    expect(handler).toMatchObject({ keepFields: ['card_token'], origin: 'Invoices.save' });
    expect(handler.run({ id: 1 }, {} as never)).toBe('ok');
  });

  it('leaves out a request-scoped provider with a warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const registry = await discover(Invoices, PerRequest);
    expect(registry.names()).toEqual(['save_invoice']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('PerRequest.run is a dead-letter handler on a request-scoped provider'));
  });

  it('refuses a second handler of one name, naming both', async () => {
    const registry = await discover(Invoices);
    let thrown: unknown;
    try {
      registry.add({ name: 'save_invoice', keepFields: [], origin: 'Other.save', run: () => undefined });
    } catch (e) {
      thrown = e;
    }
    expect(isDuplicateDeadLetterHandlerError(thrown)).toBe(true);
    expect((thrown as Error).message).toBe('Dead-letter handler "save_invoice" is declared twice: Invoices.save and Other.save. Give each a distinct name.');
  });
});
