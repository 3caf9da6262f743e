import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as a recovery strategy. The module finds every such provider at start-up and
 * registers it by its `name`, so a plan (the map, `strategyMap`, or `@AiErrorHandler({ strategies })`)
 * can name it. The class must implement `RecoveryStrategy` and be a singleton (not request-scoped).
 *
 * @example
 * ```ts
 * @Injectable() @RegisterStrategy()
 * export class WarmReplicaStrategy implements RecoveryStrategy {
 *   readonly name = 'warm_replica';
 *   async execute(ctx: RecoveryContext): Promise<StrategyOutcome> { ... }
 * }
 * ```
 */
export const RegisterStrategy = DiscoveryService.createDecorator<void>();
