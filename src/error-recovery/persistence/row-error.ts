/**
 * SQLSTATE classes 22 (data exception) and 23 (integrity): the row itself is bad, and retrying
 * cannot help. Anything else (connection lost, timeout) is worth retrying.
 */
export function isRowError(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
