import { isArray, readProp } from '../../common/safe-read.js';

/** `EVENT_LISTENER_METADATA` of `@nestjs/event-emitter` (constants): `@OnEvent()` puts `[{ event, options }]` on the method. */
export const EVENT_LISTENER_METADATA = 'EVENT_LISTENER_METADATA';

/** One event as `@OnEvent()` takes it: a name, a symbol, or a wildcard path (`['order', '*']`). */
function nameOf(event: unknown): string | undefined {
  if (typeof event === 'string') return event;
  if (typeof event === 'symbol') return event.description ?? event.toString();
  if (isArray(event)) return event.map((part) => nameOf(part) ?? '?').join('.');
  return undefined;
}

/**
 * The operation of a listener: its event's name, or the names of all its events when one method
 * listens to several (the emitter does not tell the listener which one fired). Null when the
 * metadata holds none.
 */
export function listenedEvents(metadata: unknown): string | null {
  if (!isArray(metadata)) return null;
  const names = metadata.map((m) => nameOf(readProp(m, 'event'))).filter((n): n is string => n !== undefined);
  return names.length > 0 ? [...new Set(names)].join(' | ') : null;
}
