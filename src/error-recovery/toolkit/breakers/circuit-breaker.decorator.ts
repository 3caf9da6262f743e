import { ModuleLogger } from '../../common/log-line.js';
import type { CircuitBreakerDecoratorOptions } from './call-breaker-options.interface.js';
import type { CircuitBreakers } from './circuit-breakers.service.js';

/** Class metadata: the breakers its methods declared with `@CircuitBreaker()`. */
export const CIRCUIT_BREAKER_METHODS = 'ERROR_RECOVERY:CIRCUIT_BREAKER_METHODS';

/** A breaker one method declared: its name, and its options when given in place. */
export interface DeclaredMethodBreaker {
  name: string;
  options?: CircuitBreakerDecoratorOptions;
}

/** The breakers service of each discovered instance (a WeakMap: several apps in one process each bind their own). */
const bound = new WeakMap<object, CircuitBreakers>();
const warned = new Set<string>();
const logger = new ModuleLogger();

/** Ties `instance`'s decorated methods to `breakers` (done at start-up by the explorer). */
export function bindCircuitBreakers(instance: object, breakers: CircuitBreakers): void {
  bound.set(instance, breakers);
}

/**
 * Guards a provider (or controller) method with circuit breaker `name`, declared here with the
 * module's policy unless declared elsewhere; or with options (`{ name?, preset?, … }`), declared
 * here. Works on sync and async methods: a sync method stays sync. While the breaker is open the
 * method is not run and `CircuitOpenError` is thrown (rejected, for an async method). Metadata of
 * other decorators on the method is kept.
 *
 * @example
 * ```ts
 * @CircuitBreaker({ name: 'openai', preset: 'ai_model' })
 * async complete(prompt: string): Promise<string> { … }
 * ```
 */
export function CircuitBreaker(nameOrOptions: string | CircuitBreakerDecoratorOptions): MethodDecorator {
  return (target, key, descriptor) => {
    const original: unknown = descriptor.value;
    if (typeof original !== 'function') throw new TypeError(`@CircuitBreaker() goes on a method; ${String(key)} is not one.`);
    const options = typeof nameOrOptions === 'string' ? undefined : nameOrOptions;
    const name = typeof nameOrOptions === 'string' ? nameOrOptions : (nameOrOptions.name ?? `${target.constructor.name}.${String(key)}`);
    const method = original as (...args: unknown[]) => unknown;
    // An open breaker must reject, not throw, where the caller awaits a promise.
    const returnsPromise = method.constructor.name === 'AsyncFunction' || Reflect.getMetadata('design:returntype', target, key) === Promise;
    const guarded = function (this: unknown, ...args: unknown[]): unknown {
      const breakers = typeof this === 'object' && this !== null ? bound.get(this) : undefined;
      if (breakers === undefined) {
        // Not a provider the module discovered (made with `new`, request-scoped): run it as is.
        if (!warned.has(name)) {
          warned.add(name);
          logger.warn(`@CircuitBreaker('${name}') on ${target.constructor.name}.${String(key)} runs unguarded: its instance is not a singleton provider of the app`);
        }
        return method.apply(this, args);
      }
      if (!returnsPromise) return breakers.guard(name, () => method.apply(this, args));
      try {
        return breakers.guard(name, () => method.apply(this, args));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    for (const metadataKey of Reflect.getMetadataKeys(method)) Reflect.defineMetadata(metadataKey, Reflect.getMetadata(metadataKey, method), guarded);
    Object.defineProperty(guarded, 'name', { value: method.name });
    const declared = (Reflect.getOwnMetadata(CIRCUIT_BREAKER_METHODS, target.constructor) as DeclaredMethodBreaker[] | undefined) ?? [];
    Reflect.defineMetadata(CIRCUIT_BREAKER_METHODS, [...declared, { name, options }], target.constructor);
    (descriptor as TypedPropertyDescriptor<unknown>).value = guarded;
    return descriptor;
  };
}
