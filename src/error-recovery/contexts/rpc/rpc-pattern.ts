import { callMethod, constructorName, isObjectLike, readProp } from '../../common/safe-read.js';

/** JSON with the keys of every object sorted, as Nest turns an object pattern into its route. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObjectLike(v) && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

/** A pattern as stored in `operation`: a string as is, an object as Nest's route (sorted JSON). Never throws. */
export function patternText(pattern: unknown): string | null {
  if (typeof pattern === 'string') return pattern;
  if (typeof pattern === 'number') return String(pattern);
  try {
    return isObjectLike(pattern) ? sortedJson(pattern) : null;
  } catch {
    return null;
  }
}

/**
 * What the message arrived on, read from the transport's context: TCP's `getPattern()`, NATS's
 * `getSubject()`, Redis's `getChannel()`, MQTT's and Kafka's `getTopic()`. Null when the context has
 * none of these (or is no context). Never throws.
 */
export function contextPattern(context: unknown): string | null {
  for (const getter of ['getPattern', 'getSubject', 'getChannel', 'getTopic']) {
    if (typeof readProp(context, getter) !== 'function') continue;
    const value = patternText(callMethod(context, getter));
    if (value !== null) return value;
  }
  return null;
}

/** The pattern of a handler from its `@MessagePattern()`/`@EventPattern()` metadata; several joined by `, `. */
export function handlerPattern(patterns: unknown): string | null {
  if (!Array.isArray(patterns)) return patternText(patterns);
  const texts = patterns.map(patternText).filter((p): p is string => p !== null);
  return texts.length > 0 ? texts.join(', ') : null;
}

/** The transport, from its context's class: `TcpContext` → `tcp`, `NatsContext` → `nats`. Undefined when unknown. */
export function transportOf(context: unknown): string | undefined {
  const name = constructorName(context);
  if (name === undefined || !/^[A-Z][A-Za-z]*Context$/.test(name) || name === 'BaseRpcContext') return undefined;
  return name.slice(0, -'Context'.length).toLowerCase();
}
