import type { ModuleLogger } from './log-line.js';
import type { DiscoveryService } from '@nestjs/core';

/** What a discovery looks for, for its warnings. */
export interface DiscoveryLabel {
  /** The decorator, e.g. `@RestartableTarget()`. */
  decorator: string;
  /** What the providers are, plural, e.g. `restartable targets`. */
  kind: string;
  /** The members a valid provider has, e.g. `"name" and "restart()"`. */
  needs: string;
}

/**
 * The singleton providers marked with a discoverable decorator that have the expected shape.
 * Request-scoped or malformed ones are left out with a warning saying why, so a mistake in the app
 * shows at start-up instead of as a strategy that silently never acts.
 */
export function discoverProviders<T>(
  discovery: DiscoveryService,
  metadataKey: string,
  isValid: (value: unknown) => value is T,
  label: DiscoveryLabel,
  logger: Pick<ModuleLogger, 'warn'>,
): { instance: T; name: string }[] {
  const found: { instance: T; name: string }[] = [];
  for (const wrapper of discovery.getProviders({ metadataKey })) {
    const name = String(wrapper.name);
    if (!wrapper.isDependencyTreeStatic()) {
      logger.warn(`${name} is request-scoped; ${label.kind} must be singletons. It was ignored.`);
      continue;
    }
    const instance: unknown = wrapper.instance;
    if (!isValid(instance)) {
      logger.warn(`${name} is marked ${label.decorator} but has no ${label.needs}. It was ignored.`);
      continue;
    }
    found.push({ instance, name });
  }
  return found;
}
