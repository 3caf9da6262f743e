import { type JsonValue, type SafeSerializeOptions, safeSerialize, truncate } from './safe-serialize.js';

/** Replacement for a secret value. */
export const FILTERED = '[Filtered]';
/** Replacement for a card number found in free text. */
export const FILTERED_CARD = '[Filtered card]';
/** Input cap of {@link scrubString}: bounds its cost whatever the caller passes. */
export const SCRUB_STRING_MAX = 1_048_576;

const SENSITIVE_PARTS = [
  'password', 'passwd', 'secret', 'token', 'apikey', 'cookie',
  'session', 'csrf', 'xsrf', 'privatekey', 'credential',
] as const;

/**
 * True when a key names a secret: after lower-casing and removing `-`, `_`, `.` and spaces it
 * contains one of the sensitive words. `auth` is matched only as `auth` itself, a prefix not
 * followed by `or` (authtoken, authentication), a suffix (xauth, basicauth) or `authoriz…`,
 * so `author` / `authorId` stay readable.
 */
export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_.\s]/g, '');
  if (SENSITIVE_PARTS.some((part) => k.includes(part))) return true;
  if (k.includes('authoriz') || k.endsWith('auth')) return true;
  return k.startsWith('auth') && !k.startsWith('author');
}

/**
 * {@link safeSerialize}, then every value under a sensitive key (any depth, inside arrays too)
 * becomes `[Filtered]` and every remaining string goes through {@link scrubString}.
 */
export function scrub(value: unknown, opts?: SafeSerializeOptions): JsonValue {
  return scrubJson(safeSerialize(value, opts));
}

function scrubJson(value: JsonValue): JsonValue {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(scrubJson);
  for (const key of Object.keys(value)) {
    value[key] = isSensitiveKey(key) ? FILTERED : scrubJson(value[key] as JsonValue);
  }
  return value;
}

/**
 * Keeps only allow-listed headers (names compared case-insensitively, output lower-cased),
 * scrubbed: an allow-listed `authorization` or `cookie` is kept as `[Filtered]`.
 */
export function scrubHeaders(headers: Record<string, unknown>, allow: readonly string[]): Record<string, JsonValue> {
  const allowed = new Set(allow.map((name) => name.toLowerCase()));
  const out: Record<string, JsonValue> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!allowed.has(lower) || value === undefined || lower === '__proto__') continue;
    out[lower] = isSensitiveKey(lower) ? FILTERED : scrub(value, { maxDepth: 2 });
  }
  return out;
}

/**
 * Masks secrets inside free text: credentials in URLs (`scheme://user:[Filtered]@host`),
 * `Bearer`/`Basic` tokens, values of sensitive `key=value` / `key: value` / `"key":"value"`
 * pairs, and 13–19 digit runs (single spaces or dashes allowed) that pass the Luhn check.
 * Input beyond {@link SCRUB_STRING_MAX} characters is truncated first; every pattern is
 * bounded or scanned once, so the cost stays linear in the input.
 * A `key:value` pair with a colon needs a space or quote after the colon (or a quoted key),
 * so `file.ts:10:5` in stack frames and `scheme://` are left alone; neither is a key ending in
 * `Error`/`Exception`, so `TokenExpiredError: jwt expired` keeps its message.
 */
export function scrubString(input: string): string {
  let s = truncate(input, SCRUB_STRING_MAX);
  if (!/[:=\d]|bearer|basic/i.test(s)) return s;
  s = s.replace(URL_CREDENTIALS, `$1$2:${FILTERED}@`);
  s = maskKeyValues(s);
  s = s.replace(AUTH_SCHEME, maskAuthScheme);
  return s.replace(DIGIT_RUN, maskCard);
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s:@/]{0,256}):([^\s@/]{1,256})@/gi;
const AUTH_SCHEME = /\b(Bearer|Basic)([ \t]+)([A-Za-z0-9\-._~+/]{1,4096}=*)/gi;
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;
const KEY_SEP = /(?<![\w.])([A-Za-z_][\w.-]{0,63})(\\?["']?)[ \t]{0,3}([:=])/g;
const VALUE_END = new Set([' ', '\t', '\r', '\n', '&', ',', ';', '"', "'", '`', '<', '>', ')', ']', '}', '\\']);
const SCHEME_WORDS = new Set(['bearer', 'basic', 'digest', 'token', 'negotiate', 'apikey']);

function maskAuthScheme(match: string, scheme: string, gap: string, token: string): string {
  // Both schemes are also English words: outside the header spelling, require a token that
  // looks encoded (digits, base64 punctuation or inner capitals), not prose.
  const headerSpelling = scheme === 'Bearer' || scheme === 'BEARER';
  const looksEncoded = /[0-9+/=]/.test(token) || /[A-Z]/.test(token.slice(1));
  return headerSpelling || looksEncoded ? `${scheme}${gap}${FILTERED}` : match;
}

function maskCard(run: string, offset: number, whole: string): string {
  const digits = run.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return run;
  // A run glued to letters is an identifier (hex id, token), not a card number.
  if (/[A-Za-z]/.test(whole.charAt(offset - 1)) || /[A-Za-z]/.test(whole.charAt(offset + run.length))) return run;
  return luhnValid(digits) ? FILTERED_CARD : run;
}

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i -= 1, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** One pass of {@link KEY_SEP}; values are scanned by hand so no regex can backtrack over them. */
function maskKeyValues(s: string): string {
  const re = new RegExp(KEY_SEP.source, 'g');
  let out = '';
  let copied = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const [, key = '', closeQuote = '', sep] = m;
    let start = re.lastIndex;
    if (sep === ':' && closeQuote === '' && !/[ \t"'`]/.test(s.charAt(start))) continue;
    // `InvalidTokenError: jwt expired` is a stack header naming a class, not a secret pair.
    if (/(?:Error|Exception)$/.test(key) || !isSensitiveKey(key)) continue;
    while (start < s.length && (s[start] === ' ' || s[start] === '\t') && start - re.lastIndex < 3) start += 1;
    const end = valueEnd(s, start, key);
    if (end.from >= end.to) continue;
    out += s.slice(copied, end.from) + FILTERED;
    copied = end.to;
    re.lastIndex = Math.max(re.lastIndex, end.to);
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/** Bounds of the secret value starting at `i` (quotes excluded). */
function valueEnd(s: string, i: number, key: string): { from: number; to: number } {
  const escaped = s[i] === '\\' && (s[i + 1] === '"' || s[i + 1] === "'");
  const quote = escaped ? s[i + 1] : s[i];
  if (quote === '"' || quote === "'" || quote === '`') {
    const from = i + (escaped ? 2 : 1);
    let to = from;
    // Inside escaped JSON the value ends at the next \" ; elsewhere at an unescaped quote.
    while (to < s.length && s[to] !== '\n') {
      if (escaped ? s[to] === '\\' && s[to + 1] === quote : s[to] === quote && s[to - 1] !== '\\') break;
      to += 1;
    }
    return { from, to };
  }
  // A cookie header is `a=1; b=2`: every pair is secret, so take the rest of the line.
  const stopAtLineEnd = key.toLowerCase().includes('cookie');
  let to = i;
  while (to < s.length && (stopAtLineEnd ? s[to] !== '\n' && s[to] !== '\r' : !VALUE_END.has(s[to] as string))) to += 1;
  if (SCHEME_WORDS.has(s.slice(i, to).toLowerCase()) && s[to] === ' ') {
    // `Authorization: Bearer abc`: the secret is the word after the scheme.
    to += 1;
    while (to < s.length && !VALUE_END.has(s[to] as string)) to += 1;
  }
  return { from: i, to };
}
