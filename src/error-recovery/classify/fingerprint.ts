import { createHash } from 'node:crypto';
import { BoundedLru } from '../common/bounded-lru.js';
import { FILTERED_CARD } from '../common/scrub.js';

/** Characters of a message looked at; the normalised result is capped at 500. */
const MESSAGE_SCAN = 2000;

/** Applied in order: earlier tokens contain no digits or quotes, so later rules cannot split them. */
const VARIABLE_PARTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g, '<email>'],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, '<ts>'],
  [/'[^'\n]{0,200}'|"[^"\n]{0,200}"|`[^`\n]{0,200}`/g, '<str>'],
  [/\b0x[0-9a-f]+\b|\b(?=[0-9a-f]{0,200}\d)[0-9a-f]{8,}\b/gi, '<hex>'],
  // A number that happened to pass Luhn was masked by the scrubber; it is still just a number.
  [new RegExp(FILTERED_CARD.replace(/[[\]]/g, '\\$&'), 'g'), '<n>'],
  [/\d+(?:\.\d+)*/g, '<n>'],
];

/**
 * Reduces a message to its shape so occurrences of one bug group together: UUIDs, e-mail
 * addresses, ISO timestamps, quoted values, hex ids (`0x…` or ≥ 8 hex chars with a digit) and
 * numbers become tokens such as `<n>`, whitespace collapses, and the result is capped at 500 chars.
 * Only the first 2000 characters are examined so a huge message costs no more than a small one.
 */
export function normaliseMessage(msg: string): string {
  let out = msg.length > MESSAGE_SCAN ? msg.slice(0, MESSAGE_SCAN) : msg;
  for (const [pattern, token] of VARIABLE_PARTS) out = out.replace(pattern, token);
  return out.replace(/\s+/g, ' ').trim().slice(0, 500);
}

/**
 * The top `count` stack frames that belong to the application, as `functionName@path`.
 * Frames in node_modules, Node internals and `<anonymous>` are skipped. The path is made
 * relative to `appRoot`, and `file://`, line:column, a leading `dist/` or `src/` and the
 * `.js`/`.ts` extension are removed: moving code by a line, or running the same code through
 * ts-jest or from the build output, gives the same frames.
 */
export function appFrames(stack: string | undefined, appRoot: string, count = 3): string[] {
  if (stack === undefined || count <= 0) return [];
  const root = toSlashPath(appRoot).replace(/\/+$/, '');
  const frames: string[] = [];
  // Walk lines by index instead of split(): a huge multi-line message must not be copied whole.
  for (let pos = 0; pos < stack.length && frames.length < count; ) {
    const nl = stack.indexOf('\n', pos);
    const end = nl === -1 ? stack.length : nl;
    const line = stack.slice(pos, end).trim();
    pos = end + 1;
    if (!line.startsWith('at ')) continue;
    const frame = appFrame(line.slice(3), root);
    if (frame !== undefined) frames.push(frame);
  }
  return frames;
}

/**
 * Stable 32-hex-char id of a bug: sha256 over the error type, the normalised message and the
 * top three application frames.
 */
export function fingerprint(errorType: string, message: string, stack: string | undefined, appRoot: string): string {
  return sha256Prefix(material(errorType, message, appFrames(stack, appRoot).join('\n')));
}

const material = (errorType: string, message: string, frames: string): string => `${errorType}\n${normaliseMessage(message)}\n${frames}`;

const sha256Prefix = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** Stack shapes (and fingerprints) a {@link FingerprintCache} keeps by default. */
export const DEFAULT_FINGERPRINT_CACHE_SIZE = 1000;

/**
 * Where the frames of a stack begin: the start of its first line that is a frame (`at …`), or its
 * length when it has none. Lines before it (the name and a possibly multi-line message) hold no
 * frame, so everything {@link appFrames} reads lies from here on.
 */
export function framesStart(stack: string): number {
  for (let pos = 0; pos < stack.length; ) {
    const nl = stack.indexOf('\n', pos);
    const end = nl === -1 ? stack.length : nl;
    // The very test appFrames applies to a line, so the two agree on what a frame is.
    if (stack.slice(pos, end).trim().startsWith('at ')) return pos;
    pos = end + 1;
  }
  return stack.length;
}

/**
 * {@link fingerprint} with memory: a storm of one bug repeats one stack shape, so the frames of a
 * shape are parsed once and the hash of one (type, message shape, frames) computed once. Both maps
 * are bounded LRUs, so a storm of distinct stacks costs what the uncached function costs, never
 * unbounded memory. Gives exactly what {@link fingerprint} gives.
 */
export class FingerprintCache {
  private readonly framesByShape: BoundedLru<string, string>;
  private readonly prints: BoundedLru<string, string>;
  /** Hashes computed (cache misses); for tests and diagnostics. */
  computed = 0;

  constructor(
    private readonly appRoot: string,
    maxEntries = DEFAULT_FINGERPRINT_CACHE_SIZE,
  ) {
    this.framesByShape = new BoundedLru(maxEntries);
    this.prints = new BoundedLru(maxEntries);
  }

  /** Stack shapes and fingerprints currently kept (each at most the size given). */
  get size(): { shapes: number; prints: number } {
    return { shapes: this.framesByShape.size, prints: this.prints.size };
  }

  fingerprint(errorType: string, message: string, stack: string | undefined): string {
    const frames = stack === undefined ? '' : this.framesByShape.getOrCompute(stack.slice(framesStart(stack)), (shape) => appFrames(shape, this.appRoot).join('\n'));
    return this.prints.getOrCompute(material(errorType, message, frames), (text) => {
      this.computed++;
      return sha256Prefix(text);
    });
  }
}

function appFrame(body: string, root: string): string | undefined {
  const text = body.startsWith('async ') ? body.slice(6) : body;
  // `fn (location)`; a bare location means an anonymous function. indexOf, not a regex, so a
  // long hostile line cannot backtrack.
  const open = text.endsWith(')') ? text.indexOf(' (') : -1;
  const fn = open === -1 ? '<anonymous>' : text.slice(0, open).replace(/ \[as [^\]]*\]$/, '');
  const location = open === -1 ? text : text.slice(open + 2, -1);
  if (!isAppLocation(location)) return undefined;
  return `${fn}@${relativeSource(location, root)}`;
}

function isAppLocation(location: string): boolean {
  return !(
    location.includes('node_modules') ||
    location.startsWith('node:') ||
    location.startsWith('internal/') ||
    location.includes('<anonymous>') ||
    location.startsWith('index ') ||
    location === 'native'
  );
}

function relativeSource(location: string, root: string): string {
  let path = toSlashPath(location.replace(/(?::\d+){1,2}$/, '')).replace(/\?.*$/, '');
  if (root !== '' && path.startsWith(`${root}/`)) path = path.slice(root.length + 1);
  return path.replace(/^dist\//, '').replace(/^src\//, '').replace(/\.[cm]?[jt]sx?$/, '');
}

function toSlashPath(p: string): string {
  let out = p;
  if (out.startsWith('file://')) {
    out = out.slice(7);
    try {
      out = decodeURIComponent(out);
    } catch {
      // A malformed %-escape: keep the raw text, it is still stable.
    }
  }
  out = out.replace(/\\/g, '/');
  return /^\/[A-Za-z]:\//.test(out) ? out.slice(1) : out;
}
