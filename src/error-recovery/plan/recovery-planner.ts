import type { Classification } from '../classify/classification.interface.js';
import { DEFAULT_STRATEGY_MAP, SEVERITY_FALLBACK_PLAN } from './default-strategy-map.js';
import type { StrategyMap, StrategyName } from './strategy-name.js';

/** Inputs of {@link planRecovery}, most specific first. */
export interface PlanInput {
  classification: Pick<Classification, 'errorType' | 'severity' | 'transient'>;
  /** Strategies set on the route with `@AiErrorHandler({ strategies })`; wins over everything. */
  routeStrategies?: readonly StrategyName[];
  /** The app's overrides of the map (`strategyMap` option), merged over the default map. */
  mapOverrides?: StrategyMap;
}

/**
 * The ordered strategies to try for one error. Pure.
 * Route override → app map → product map → plan by severity; duplicates removed, and a
 * permanent error never plans a retry (running the same thing again cannot help).
 */
export function planRecovery(input: PlanInput): StrategyName[] {
  const { classification } = input;
  const planned =
    input.routeStrategies ??
    input.mapOverrides?.[classification.errorType] ??
    DEFAULT_STRATEGY_MAP[classification.errorType] ??
    SEVERITY_FALLBACK_PLAN[classification.severity];
  const seen = new Set<StrategyName>();
  return planned.filter((name) => {
    if (seen.has(name)) return false;
    seen.add(name);
    return classification.transient || name !== 'retry';
  });
}
