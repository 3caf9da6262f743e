import { messageOf } from '../../common/error-text.js';
import { requestJson } from '../../common/http-json.js';
import { oneLine } from '../templates/escape.js';

/** What a receiver answered. */
export interface HttpAnswer {
  status: number;
  /** The body as text, at most {@link MAX_ANSWER_BYTES} of it. */
  body: string;
}

/** True for a 2xx status. */
export const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/** Characters of an answer kept; the rest is discarded (a status and a snippet is all that is used). */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** The URL without query, user info or path, for messages: a URL can carry a token anywhere. */
function redact(message: string, url: string): string {
  let origin = '<url>';
  try {
    origin = new URL(url).origin;
  } catch {
    // Not parseable as a URL: it is replaced by `<url>` as a whole.
  }
  return message.split(url).join(origin);
}

/**
 * POSTs `body` as JSON and resolves with the status and (up to 64 Ki characters of) the answer,
 * whatever the status: judging it is the caller's job. Redirects are not followed (a 3xx is
 * returned as is), so a signed body is never re-sent elsewhere. Rejects with a single-line message
 * on a network error (`connect ECONNREFUSED 127.0.0.1:9`) or when the answer did not arrive in full
 * within `timeoutMs` (`no answer within 5000 ms`); the message never contains the URL beyond its origin.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  try {
    // node:http, through the module's one JSON request helper: it follows no redirects by design.
    const answer = await requestJson(new URL(url), { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body, timeoutMs });
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return { status: answer.status, body: text.slice(0, MAX_ANSWER_BYTES) };
  } catch (error) {
    // No `cause`: an error may quote the whole URL, and with it a token (Slack, Telegram).
    // eslint-disable-next-line preserve-caught-error
    throw new Error(oneLine(redact(messageOf(error, 300), url), 300));
  }
}
