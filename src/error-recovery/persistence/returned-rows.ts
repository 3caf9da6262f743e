/** pg returns `[rows, count]` for UPDATE … RETURNING through TypeORM; PGlite returns the rows. */
export function returned(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as Record<string, unknown>[];
  }
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
}
