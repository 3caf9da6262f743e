import type { JsonValue } from './safe-serialize.js';

/*
 * The contracts of recovery targets: declared here, in the neutral folder, because strategies use
 * them and targets/ and scalers/ implement them; neither side imports the other.
 */

/** A cache the cache_clear strategy may clear. */
export interface ClearableCache {
  readonly name: string;
  /**
   * True when `clear(pattern)` honours glob-style patterns (`*`, `?`). Without it the strategy
   * only clears such a cache for the pattern `'*'`, calling `clear()` with no argument.
   */
  readonly supportsPatterns?: boolean;
  /**
   * Clears everything (no pattern), or the keys matching `pattern`. Returns how many keys were
   * cleared when it knows; `0` means nothing matched.
   */
  clear(pattern?: string): Promise<number | void> | number | void;
}

/** A target the service_restart strategy may restart. */
export interface Restartable {
  readonly name: string;
  restart(): Promise<void>;
  /** Resolves when healthy; rejects (or resolves false) when not. */
  healthCheck?(): Promise<boolean | void>;
}

/** What the resource_scale strategy asks of a scaler. */
export interface ScaleRequest {
  /** Size × this, e.g. 1.5. */
  factor: number;
  /** Never past the baseline (the size before the module scaled) × this. */
  maxFactor: number;
  /** The `resourceType` parameter in force (e.g. `'cpu'`, `'memory'`). */
  resourceType: string;
  /** Service of the error. */
  service: string;
  /** Id of the error that asked for capacity. */
  errorId: string;
  /**
   * The `coolDownMs` parameter in force, ms. The strategy enforces it per process; a scaler that can
   * share state between instances (the Kubernetes one, on the Deployment) enforces it across them.
   * Default 0.
   */
  coolDownMs?: number;
  /** When the scale-up was asked for, ms since epoch, on the module's clock. Default `Date.now()`. */
  now?: number;
}

/** What a scaler did: scaled (sizes when known), skipped with the reason, or failed. */
export type ScaleResult =
  | { kind: 'scaled'; from?: number; to?: number; message: string; details?: { [key: string]: JsonValue } }
  | { kind: 'skipped'; reason: string; details?: { [key: string]: JsonValue } }
  | { kind: 'failed'; reason: string; details?: { [key: string]: JsonValue } };

/**
 * Something that can add capacity (an autoscaler webhook, a Deployment). Built in: `WebhookScaler`,
 * `KubernetesScaler`. `scaleUp` reports failures as `{ kind: 'failed' }`; a throw is recorded as one.
 */
export interface Scaler {
  readonly name: string;
  scaleUp(request: ScaleRequest): Promise<ScaleResult>;
}
