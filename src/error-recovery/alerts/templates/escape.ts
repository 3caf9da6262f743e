const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Whitespace, C0 and C1 control characters and the Unicode line/paragraph separators: anything
 * that could end a header line or a chat line, or hide text from a reader.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BREAKING = /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Control characters a multi-line text keeps out: all of them but LF and tab. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_BUT_LF_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `s` escaped for HTML text and double- or single-quoted attribute values: `& < > " '` become
 * entities. Apply it to every interpolated value, URLs included.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Cuts `s` to at most `max` characters, the last one `…` when something was cut. Never splits a
 * surrogate pair (which would leave an invalid character behind).
 */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  let head = s.slice(0, max - 1);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return `${head}…`;
}

/**
 * `s` as one line for a header or a single-line field: every run of whitespace and control
 * characters (CR, LF, tab, C0, C1, U+2028/2029) becomes one space, then trimmed and cut to `max`
 * characters (default 200) with `…`. No CR/LF from data can survive it into a header.
 */
export function oneLine(s: string, max = 200): string {
  return cut(s.replace(BREAKING, ' ').trim(), max);
}

/**
 * `s` as a multi-line text (an error message): CRLF and CR become LF, other control characters a
 * space, trailing whitespace trimmed, cut to `max` characters (default 2000) with `…`.
 */
export function multiLine(s: string, max = 2000): string {
  return cut(s.replace(/\r\n?/g, '\n').replace(CONTROL_BUT_LF_TAB, ' ').trimEnd(), max);
}
