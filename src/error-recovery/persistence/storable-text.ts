/** NUL, and UTF-16 halves without their other half: PostgreSQL stores neither in text nor jsonb. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must go
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const HAS_UNSTORABLE = new RegExp(UNSTORABLE.source);

/**
 * `s` as PostgreSQL can store it: NUL characters and lone surrogates become U+FFFD. Without this,
 * one error message with a NUL (easily echoed from a client's input) is refused by the database.
 */
export function storableText(s: string): string {
  return s.replace(UNSTORABLE, '\ufffd');
}

/** A nullable string column, made storable. */
export const storableOrNull = (s: string | null | undefined): string | null => (s === null || s === undefined ? null : storableText(s));

/** `JSON.stringify` for a jsonb column: every string and every object key made storable. */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return storableText(v);
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => HAS_UNSTORABLE.test(k))) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [storableText(k), x]));
    }
    return v;
  });
}

/** Whether PostgreSQL can take `s` as it is (no NUL, no unpaired surrogate). */
export const isStorableText = (s: string): boolean => !HAS_UNSTORABLE.test(s);
