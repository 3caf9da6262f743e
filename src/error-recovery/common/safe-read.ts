import { types } from 'node:util';

/**
 * Reading anything off a thrown value can throw (getters, Proxy traps, revoked proxies), and
 * the classifier must not. Every read of a thrown value goes through these helpers.
 */

/** True for objects and functions: values that can carry properties. */
export function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** `target[key]`, or undefined when the read throws or `target` holds no properties. */
export function readProp(target: unknown, key: string): unknown {
  if (!isObjectLike(target)) return undefined;
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** `value instanceof type` that answers false instead of throwing (a Proxy's getPrototypeOf trap). */
export function isInstanceOf<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** `Array.isArray` that answers false instead of throwing on a revoked Proxy. */
export function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** {@link readProp} narrowed to a string. */
export function readString(target: unknown, key: string): string | undefined {
  const value = readProp(target, key);
  return typeof value === 'string' ? value : undefined;
}

/** {@link readProp} narrowed to a finite number. */
export function readNumber(target: unknown, key: string): number | undefined {
  const value = readProp(target, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Calls the zero-argument method `key` of `target`; undefined when absent or when it throws. */
export function callMethod(target: unknown, key: string): unknown {
  const method = readProp(target, key);
  if (typeof method !== 'function') return undefined;
  try {
    return (method as () => unknown).call(target);
  } catch {
    return undefined;
  }
}

/** Name of the value's constructor, read without trusting the value. */
export function constructorName(target: unknown): string | undefined {
  return readString(readProp(target, 'constructor'), 'name');
}

/**
 * True for Error instances, including ones from another realm (Jest's VM contexts, Node
 * internals), where `instanceof Error` is false.
 */
export function isErrorValue(value: unknown): boolean {
  if (!isObjectLike(value)) return false;
  try {
    return value instanceof Error || types.isNativeError(value) || inheritsForeignError(value);
  } catch {
    return false;
  }
}

/** DOMException and subclasses from another realm: some prototype is an `Error.prototype`. */
function inheritsForeignError(value: object): boolean {
  let proto: unknown = Object.getPrototypeOf(value);
  for (let depth = 0; depth < 10 && isObjectLike(proto); depth += 1) {
    const ctor = Object.hasOwn(proto, 'constructor') ? readProp(proto, 'constructor') : undefined;
    if (readString(ctor, 'name') === 'Error' && readProp(ctor, 'prototype') === proto) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

/** The value and up to `levels` nested `cause` objects, stopping at a cycle. */
export function causeChain(value: unknown, levels = 2): object[] {
  const chain: object[] = [];
  let current: unknown = value;
  while (isObjectLike(current) && chain.length <= levels && !chain.includes(current)) {
    chain.push(current);
    current = readProp(current, 'cause');
  }
  return chain;
}

/**
 * Whether `value` is an instance of a class named `className` (or of a subclass), by the names along
 * its prototype chain: how the module recognises the exceptions of optional peers it never imports
 * (`RpcException`, `WsException`). Never throws (a Proxy's `getPrototypeOf` trap: false).
 */
export function hasClassNamed(value: unknown, className: string): boolean {
  let proto: unknown = value;
  try {
    for (let depth = 0; depth < 10; depth++) {
      proto = isObjectLike(proto) ? Object.getPrototypeOf(proto) : null;
      if (!isObjectLike(proto)) return false;
      if (readString(readProp(proto, 'constructor'), 'name') === className) return true;
    }
  } catch {
    // A hostile prototype chain: not that class.
  }
  return false;
}

/** Whether `value` has a `then` method (a promise, or a thenable work may return), read without trusting it. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value instanceof Promise || typeof readProp(value, 'then') === 'function';
}
