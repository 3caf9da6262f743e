/**
 * What the module remembers about its scale-ups, kept on the Deployment itself so that every
 * instance of the app, and every restart, shares it: written by the same patch that scales.
 */
export const SCALE_ANNOTATIONS = {
  /** Replicas before the module first scaled: the base of the `maxScaleFactor` cap. */
  baseline: 'nest-error-recovery/baseline-replicas',
  /** ISO time of the last scale-up by any instance: the start of the shared cool-down. */
  scaledAt: 'nest-error-recovery/scaled-at',
  /** Replicas that scale-up set: a different count later means someone else resized it. */
  scaledTo: 'nest-error-recovery/scaled-to',
} as const;

/** The module's annotations as read from a Deployment; absent or unreadable values are undefined. */
export interface ScaleMemory {
  baseline?: number;
  /** ms since epoch. */
  scaledAt?: number;
  scaledTo?: number;
}

const count = (raw: unknown): number | undefined => {
  const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
};

/** Reads the module's annotations from `metadata.annotations` (anything else is ignored). */
export function readScaleMemory(annotations: unknown): ScaleMemory {
  const a = annotations !== null && typeof annotations === 'object' ? (annotations as Record<string, unknown>) : {};
  const at = typeof a[SCALE_ANNOTATIONS.scaledAt] === 'string' ? Date.parse(a[SCALE_ANNOTATIONS.scaledAt] as string) : NaN;
  const baseline = count(a[SCALE_ANNOTATIONS.baseline]);
  return {
    baseline: baseline !== undefined && baseline > 0 ? baseline : undefined,
    scaledAt: Number.isFinite(at) ? at : undefined,
    scaledTo: count(a[SCALE_ANNOTATIONS.scaledTo]),
  };
}

/**
 * The base of the cap. The stored baseline while the Deployment still has the size the module last
 * gave it, so neither a restart nor another instance can re-anchor on a size the module itself
 * reached (the ratchet). When someone else resized it since (an operator, a rollout of a new
 * `replicas`), that size is the new baseline: the module scales relative to what people chose.
 */
export function baselineOf(current: number, memory: ScaleMemory): number {
  if (memory.baseline === undefined) return current;
  return memory.scaledTo === undefined || memory.scaledTo === current ? memory.baseline : current;
}

/** When the shared cool-down ends, or undefined when a scale-up may happen at `now`. */
export function coolingDownUntil(memory: ScaleMemory, now: number, coolDownMs: number): number | undefined {
  if (memory.scaledAt === undefined || !(coolDownMs > 0)) return undefined;
  const until = memory.scaledAt + coolDownMs;
  return now < until ? until : undefined;
}

/**
 * The merge patch that scales and records it in one write. `resourceVersion` makes it conditional:
 * the API server refuses it (409) when the Deployment changed since it was read, so two instances
 * that read the same size cannot both scale it.
 */
export function scalePatch(resourceVersion: string | undefined, baseline: number, to: number, now: number): object {
  return {
    metadata: {
      ...(resourceVersion ? { resourceVersion } : {}),
      annotations: {
        [SCALE_ANNOTATIONS.baseline]: String(baseline),
        [SCALE_ANNOTATIONS.scaledAt]: new Date(now).toISOString(),
        [SCALE_ANNOTATIONS.scaledTo]: String(to),
      },
    },
    spec: { replicas: to },
  };
}
