import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as a scaler the resource_scale strategy may call. The provider must implement
 * `Scaler` (a unique `name` and `scaleUp(request)`) and be a singleton. The built-in
 * `WebhookScaler` and `KubernetesScaler` can be given as `targets.scalers` instead.
 *
 * @example
 * ```ts
 * @Injectable() @ScalerTarget()
 * export class WorkerPoolScaler implements Scaler {
 *   readonly name = 'worker-pool';
 *   async scaleUp(r: ScaleRequest): Promise<ScaleResult> { ... }
 * }
 * ```
 */
export const ScalerTarget = DiscoveryService.createDecorator<void>();
