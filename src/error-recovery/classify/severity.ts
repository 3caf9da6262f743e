import type { Severity } from './classification.interface.js';
import { SEVERITIES } from './classification.interface.js';
import { DEFAULT_SEVERITY, lookup, SEVERITY_TABLE } from './error-tables.js';

/** Environment names that mean a developer's machine (compared case-insensitively). */
const DEVELOPMENT_NAMES: ReadonlySet<string> = new Set(['development', 'dev', 'local']);

/** True for `development`, `dev` and `local`, in any case. */
export function isDevelopment(environment: string): boolean {
  return DEVELOPMENT_NAMES.has(environment.trim().toLowerCase());
}

/**
 * Severity from the table, or from `overrides[errorType]` when given. This is the severity the
 * HTTP status is derived from, before any environment adjustment.
 */
export function baseSeverity(errorType: string, overrides?: Readonly<Record<string, Severity>>): Severity {
  const override = overrides === undefined ? undefined : lookup(overrides, errorType);
  if (override !== undefined && SEVERITIES.includes(override)) return override;
  return lookup(SEVERITY_TABLE, errorType) ?? DEFAULT_SEVERITY;
}

/**
 * The environment adjustment: in development (`development`, `dev`, `local`, any case)
 * severity drops one level — critical→high, high→medium, medium→low, low stays low — so a
 * developer's broken local database does not page anyone. Every other environment
 * (production, staging, test, …) keeps the severity unchanged. Only the stored/alerted
 * severity is adjusted; the HTTP status is computed before this step.
 */
export function adjustSeverity(severity: Severity, environment: string): Severity {
  if (!isDevelopment(environment)) return severity;
  const index = SEVERITIES.indexOf(severity);
  return SEVERITIES[Math.min(index + 1, SEVERITIES.length - 1)] as Severity;
}

/** Same as {@link adjustSeverity}: lowers one level in development, unchanged elsewhere. */
export const lowerSeverity: (severity: Severity, environment: string) => Severity = adjustSeverity;
