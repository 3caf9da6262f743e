import { readProp } from '../../classify/safe-read.js';
import { oneLine } from '../templates/escape.js';

/** What a receiver answered. */
export interface HttpAnswer {
  status: number;
  /** The body as text, at most {@link MAX_ANSWER_BYTES} of it. */
  body: string;
}

/** True for a 2xx status. */
export const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/** Bytes of an answer read at most; the rest is discarded (a status and a snippet is all that is used). */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** The URL without query, user info or path, for messages: a URL can carry a token anywhere. */
function redact(message: string, url: string): string {
  let origin = '<url>';
  try {
    origin = new URL(url).origin;
  } catch {
    // not a URL: keep the placeholder
  }
  return message.split(url).join(origin);
}

/** fetch rejects with `fetch failed` and the reason (`connect ECONNREFUSED …`) in `cause`. */
function describe(error: unknown, timeoutMs: number): string {
  const name = readProp(error, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = readProp(error, 'cause');
  const causeMessage = readProp(cause, 'message');
  if (typeof causeMessage === 'string' && causeMessage !== '') return causeMessage;
  const message = readProp(error, 'message');
  return typeof message === 'string' && message !== '' ? message : String(error);
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = MAX_ANSWER_BYTES - bytes;
    bytes += value.byteLength;
    text += decoder.decode(value.byteLength > room ? value.subarray(0, room) : value, { stream: true });
    if (bytes >= MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return text + decoder.decode();
}

/**
 * POSTs `body` as JSON and resolves with the status and (up to 64 KiB of) the answer, whatever the
 * status: judging it is the caller's job. Redirects are not followed (a 3xx is returned as is), so
 * a signed body is never re-sent elsewhere. Rejects with a single-line message on a network
 * error (`connect ECONNREFUSED 127.0.0.1:9`) or when the answer did not arrive in full within
 * `timeoutMs` (`no answer within 5000 ms`); the message never contains the URL beyond its origin.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await readCapped(response) };
  } catch (error) {
    // No `cause`: fetch's errors can quote the whole URL, and with it a token (Slack, Telegram).
    // eslint-disable-next-line preserve-caught-error
    throw new Error(oneLine(redact(describe(error, timeoutMs), url), 300));
  }
}
