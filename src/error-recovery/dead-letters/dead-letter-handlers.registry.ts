import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ModuleLogger } from '../common/log-line.js';
import type { JsonValue } from '../common/safe-serialize.js';
import { DuplicateDeadLetterHandlerError } from '../errors/duplicate-dead-letter-handler.error.js';
import { DEAD_LETTER_HANDLER_METADATA, type DeadLetterHandlerMetadata } from './dead-letter-handler.decorator.js';
import type { DeadLetterRecord } from './dead-letter-store.interface.js';

/** One discovered `@DeadLetterHandler()`. */
export interface RegisteredDeadLetterHandler {
  name: string;
  keepFields: readonly string[];
  /** `Class.method`, for messages. */
  origin: string;
  run(payload: JsonValue, item: DeadLetterRecord): unknown;
}

/**
 * The `@DeadLetterHandler()` methods of the app's singleton providers, found once at start-up
 * (`onModuleInit`, when every instance exists). A duplicate name stops the start-up; a handler on a
 * request-scoped provider is left out with a warning.
 */
@Injectable()
export class DeadLetterHandlers implements OnModuleInit {
  private readonly logger = new ModuleLogger();
  private readonly byName = new Map<string, RegisteredDeadLetterHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      const prototype = wrapper.metatype && !wrapper.inject ? (wrapper.metatype as { prototype?: object }).prototype : instance ? Object.getPrototypeOf(instance) : undefined;
      if (!prototype || typeof prototype !== 'object') continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName];
        const meta = typeof method === 'function' ? (Reflect.getMetadata(DEAD_LETTER_HANDLER_METADATA, method) as DeadLetterHandlerMetadata | undefined) : undefined;
        if (!meta) continue;
        const origin = `${String(wrapper.name)}.${methodName}`;
        if (!wrapper.isDependencyTreeStatic()) {
          this.logger.warn(`${origin} is a dead-letter handler on a request-scoped provider; handlers must be singletons. It was ignored.`);
          continue;
        }
        if (!instance || typeof instance !== 'object') continue;
        this.add({ name: meta.name, keepFields: meta.keepFields, origin, run: (payload, item) => (method as (...a: unknown[]) => unknown).call(instance, payload, item) });
      }
    }
  }

  /** Registers a handler by hand (tests, handlers built at run time). @throws DuplicateDeadLetterHandlerError */
  add(handler: RegisteredDeadLetterHandler): void {
    const existing = this.byName.get(handler.name);
    if (existing) throw new DuplicateDeadLetterHandlerError(handler.name, existing.origin, handler.origin);
    this.byName.set(handler.name, handler);
  }

  /** The handler of this name; undefined when none was declared. */
  get(name: string): RegisteredDeadLetterHandler | undefined {
    return this.byName.get(name);
  }

  /** Every declared name, in discovery order. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
