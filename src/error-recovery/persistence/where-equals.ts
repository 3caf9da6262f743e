/**
 * `"column" = $n` for each filter that is set, joined by AND, with its parameters (numbered from 1).
 * Column names come from the caller's code, never from input; values are always parameters.
 */
export function whereEquals(filters: readonly (readonly [column: string, value: unknown])[]): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of filters) {
    if (value === undefined) continue;
    params.push(value);
    clauses.push(`"${column}" = $${params.length}`);
  }
  return { clauses, params };
}
