import type { Severity } from '../classify/classification.interface.js';
import type { StrategyMap, StrategyName } from './strategy-name.js';

/** The product's recovery map: errorType → strategies in the order they are tried. */
export const DEFAULT_STRATEGY_MAP: StrategyMap = {
  DatabaseError: ['pool_increase', 'timeout_increase', 'cache_clear'],
  TimeoutError: ['timeout_increase', 'resource_scale', 'cache_clear'],
  MemoryError: ['resource_scale', 'cache_clear', 'queue_priority'],
  ConnectionError: ['retry', 'circuit_break', 'fallback'],
  ValidationError: ['fallback', 'request_throttle'],
  AuthenticationError: ['retry', 'request_throttle'],
  APIError: ['retry', 'timeout_increase', 'fallback'],
  ServiceUnavailableError: ['retry', 'circuit_break', 'service_restart'],
  // The app says a cached value is stale: clearing that key and running the request again is the fix.
  StaleCacheError: ['cache_clear', 'fallback'],
};

/** Plan for error types the map does not name, chosen by severity. */
export const SEVERITY_FALLBACK_PLAN: Readonly<Record<Severity, readonly StrategyName[]>> = {
  critical: ['pool_increase', 'resource_scale', 'service_restart'],
  high: ['timeout_increase', 'cache_clear', 'fallback'],
  medium: ['fallback', 'request_throttle'],
  low: ['retry', 'fallback'],
};
