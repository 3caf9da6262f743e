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
 * `map[key]` when `map` has it as its own property. Error types come from thrown values (`name`,
 * `constructor.name`), so a plain-object lookup would find `Object.prototype`'s members for an error
 * named `constructor`, `toString` or `__proto__` and plan a function as if it were a list.
 */
const own = <T>(map: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
  map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;

/**
 * The ordered strategies to try for one error. Pure.
 * Route override → app map → product map → plan by severity; duplicates removed, and a
 * permanent error never plans a retry (running the same thing again cannot help).
 */
export function planRecovery(input: PlanInput): StrategyName[] {
  const { classification } = input;
  const planned =
    input.routeStrategies ??
    own(input.mapOverrides, classification.errorType) ??
    own(DEFAULT_STRATEGY_MAP, classification.errorType) ??
    own(SEVERITY_FALLBACK_PLAN, classification.severity) ??
    // A severity this version does not know (e.g. read back from an older row): plan as medium.
    SEVERITY_FALLBACK_PLAN.medium;
  const seen = new Set<StrategyName>();
  return planned.filter((name) => {
    if (seen.has(name)) return false;
    seen.add(name);
    return classification.transient || name !== 'retry';
  });
}
