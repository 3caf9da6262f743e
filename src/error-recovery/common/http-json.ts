import http from 'node:http';
import https from 'node:https';

/** A request of {@link requestJson}. */
export interface JsonRequest {
  method: 'GET' | 'PATCH' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** PEM of the CA to trust for https (a cluster's own CA); the system CAs otherwise. */
  ca?: string | Buffer;
  timeoutMs: number;
}

/** An answer: the status and the body, parsed as JSON when it is JSON. */
export interface JsonResponse {
  status: number;
  body: unknown;
}

/** Larger answers are cut: a Deployment is a few kilobytes, a chat API answer less. */
const MAX_BODY_BYTES = 1_048_576;

/**
 * One HTTP(S) request with node:http/node:https, which take a custom CA per request (global
 * `fetch` does not without undici's Agent, which is not a dependency here).
 */
export function requestJson(url: URL, init: JsonRequest): Promise<JsonResponse> {
  const client = url.protocol === 'https:' ? https : http;
  const headers = init.body === undefined ? init.headers : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
  return new Promise<JsonResponse>((resolve, reject) => {
    const req = client.request(url, { method: init.method, headers, ca: init.ca, signal: AbortSignal.timeout(init.timeoutMs) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', (error: Error) => reject(error.name === 'AbortError' ? new Error(`no answer within ${init.timeoutMs} ms`) : error));
    req.end(init.body);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
