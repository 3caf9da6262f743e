/** A method as its caller (a Nest explorer, a scheduler, a worker) calls it: `instance[methodName](...args)`. */
export type OperationMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Runs one call of a wrapped method on one instance: `original.apply(self, args)` somewhere inside,
 * around it whatever its context does (capture, retry, dead letter). It must behave as the original
 * does for the caller — same value, same error — apart from what recovery changes on purpose.
 */
export type OperationHandler = (self: object, args: unknown[], original: OperationMethod) => unknown;

/** Marks an operation wrapper; holds the original method. */
const ORIGINAL = Symbol.for('error-recovery:original-operation');

/**
 * The handlers of the instances this process's apps registered, per method name. An instance no app
 * registered (an app without the module, a test building the class by hand) runs the original
 * directly: one WeakMap read.
 */
const HANDLERS = new WeakMap<object, Map<string, OperationHandler>>();

/** The prototype in the chain that declares `methodName` itself. */
function declaringPrototype(prototype: object, methodName: string): object | undefined {
  for (let p: object | null = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.prototype.hasOwnProperty.call(p, methodName)) return p;
  }
  return undefined;
}

/** The original method behind an operation wrapper; undefined for anything else. */
export function originalOperation(fn: unknown): OperationMethod | undefined {
  return typeof fn === 'function' ? ((fn as { [ORIGINAL]?: OperationMethod })[ORIGINAL] ?? undefined) : undefined;
}

/**
 * Puts a dispatching wrapper in place of `methodName` on the prototype that declares it. Why the
 * prototype and not the instance (as HTTP routes are wrapped): GraphQL builds its resolvers from the
 * prototype's method, and a microservice binds its handlers before any `onModuleInit`, when only
 * classes are known. Several apps of one process share the classes, so the wrapper dispatches per
 * instance: only instances registered with {@link registerOperation} get a handler; every other call
 * runs the original as is. Every piece of the original's reflect metadata is carried over (Nest's
 * and the integrations' decorators put it on the function), and its name and length. Idempotent;
 * false when nothing was wrapped now.
 */
export function installOperationWrapper(prototype: object, methodName: string): boolean {
  const declaring = declaringPrototype(prototype, methodName);
  if (!declaring) return false;
  const original = (declaring as Record<string, unknown>)[methodName];
  if (typeof original !== 'function' || originalOperation(original)) return false;
  const method = original as OperationMethod;
  const wrapper = function operationWrapper(this: unknown, ...args: unknown[]): unknown {
    const handler = typeof this === 'object' && this !== null ? HANDLERS.get(this)?.get(methodName) : undefined;
    return handler === undefined ? method.apply(this, args) : handler(this as object, args, method);
  };
  for (const key of Reflect.getOwnMetadataKeys(method) as unknown[]) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, method) as unknown, wrapper);
  }
  Object.defineProperty(wrapper, 'name', { value: method.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: method.length, configurable: true });
  Object.defineProperty(wrapper, ORIGINAL, { value: method });
  const descriptor = Object.getOwnPropertyDescriptor(declaring, methodName);
  Object.defineProperty(declaring, methodName, { value: wrapper, writable: descriptor?.writable ?? true, configurable: true, enumerable: descriptor?.enumerable ?? false });
  return true;
}

/** Calls of `instance[methodName]` go through `handler` from now on (the method must be wrapped). */
export function registerOperation(instance: object, methodName: string, handler: OperationHandler): void {
  let handlers = HANDLERS.get(instance);
  if (!handlers) HANDLERS.set(instance, (handlers = new Map()));
  handlers.set(methodName, handler);
}

/** Calls of `instance[methodName]` run the original again (the app closed). */
export function unregisterOperation(instance: object, methodName: string): void {
  HANDLERS.get(instance)?.delete(methodName);
}
