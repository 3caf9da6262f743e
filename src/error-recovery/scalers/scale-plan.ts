/** The size to scale to, or why not; `cap` is the most replicas allowed. */
export type ScalePlan = { kind: 'scale'; to: number; cap: number } | { kind: 'skip'; reason: string; cap: number };

/**
 * New size = ceil(current × factor), never past ceil(baseline × maxFactor): the cap is relative to
 * the size before the module scaled, so repeated errors cannot compound the factor without limit.
 */
export function planScale(current: number, baseline: number, factor: number, maxFactor: number): ScalePlan {
  // 10 × 1.1 is 11.000000000000002 in floating point; without the epsilon that would ceil to 12.
  const ceil = (n: number): number => Math.ceil(n - 1e-9);
  const cap = ceil(baseline * maxFactor);
  if (current <= 0) return { kind: 'skip', reason: 'scaled to zero: not scaling up from 0 replicas', cap };
  const to = Math.min(ceil(current * factor), cap);
  if (to <= current) return { kind: 'skip', reason: `already at the cap of ${cap} replicas (baseline ${baseline} × ${maxFactor})`, cap };
  return { kind: 'scale', to, cap };
}
