import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as something the service_restart strategy may restart. The class implements
 * `Restartable` (`name`, `restart()`, optionally `healthCheck()`) and is a singleton. Routes pick it
 * with `parameters.service_restart.target`; when it is the only target it is picked by default.
 *
 * @example
 * ```ts
 * @Injectable() @RestartableTarget()
 * export class SearchClient implements Restartable {
 *   readonly name = 'search';
 *   async restart() { await this.client.close(); this.client = connect(); }
 *   async healthCheck() { return (await this.client.ping()) === 'pong'; }
 * }
 * ```
 */
export const RestartableTarget = DiscoveryService.createDecorator<void>();
