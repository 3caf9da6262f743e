/** The ten built-in recovery strategies, in the product's vocabulary. */
export const STRATEGY_NAMES = [
  'retry',
  'timeout_increase',
  'cache_clear',
  'pool_increase',
  'resource_scale',
  'circuit_break',
  'fallback',
  'queue_priority',
  'request_throttle',
  'service_restart',
] as const;

/** A built-in strategy name. User strategies may add their own names (plain strings). */
export type BuiltInStrategyName = (typeof STRATEGY_NAMES)[number];

/** A strategy referenced in a plan: a built-in name or the name of a user strategy. */
export type StrategyName = BuiltInStrategyName | (string & {});

/** errorType → ordered strategies. */
export type StrategyMap = Readonly<Record<string, readonly StrategyName[]>>;
