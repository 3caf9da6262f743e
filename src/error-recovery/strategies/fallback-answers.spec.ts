import { readLimited, upstreamTarget } from './fallback-answers.js';

describe('upstreamTarget', () => {
  it.each([
    ['origin form', 'http://b:3000', '/orders/1?x=1', 'http://b:3000/orders/1?x=1'],
    ['absolute form: the origin the client chose is dropped', 'http://b:3000', 'http://evil.test:81/orders?x=1', 'http://b:3000/orders?x=1'],
    ['absolute form with credentials and a fragment', 'http://b:3000', 'https://u:p@evil.test/a#f', 'http://b:3000/a'],
    ['protocol-relative path', 'http://b:3000', '//evil.test/a?q', 'http://b:3000//evil.test/a?q'],
    ['appended to the base path', 'http://b:3000/api/', '/orders?x=1', 'http://b:3000/api/orders?x=1'],
    ['base query dropped for the request query', 'http://b:3000/api?k=1', '/orders', 'http://b:3000/api/orders'],
  ])('%s', (_name, base, url, expected) => {
    const target = upstreamTarget(base, url);
    expect(target.href).toBe(expected);
    expect(target.origin).toBe(new URL(base).origin);
  });

  it.each([
    ['dot segments', '/../admin'],
    ['encoded dot segments', '/%2e%2e/%2E%2E/admin'],
    ['dot segments past a route prefix', '/files/../../../internal/admin'],
  ])('never leaves the configured base path (%s)', (_name, url) => {
    expect(() => upstreamTarget('http://b:3000/api/v1', url)).toThrow('outside the fallback upstream');
  });

  it('keeps dot segments that stay inside the base path', () => {
    expect(upstreamTarget('http://b:3000/api', '/a/../b').href).toBe('http://b:3000/api/b');
  });

  it('refuses a request target that is neither a path nor a URL', () => {
    expect(() => upstreamTarget('http://b:3000', 'not a url')).toThrow();
  });
});

describe('readLimited', () => {
  const streamed = (chunks: string[], headers: Record<string, string> = {}): { response: Response; cancelled: () => boolean } => {
    let cancelled = false;
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < chunks.length) controller.enqueue(new TextEncoder().encode(chunks[i++]));
        else controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    return { response: new Response(body, { headers }), cancelled: () => cancelled };
  };

  it('reads a body up to the limit', async () => {
    await expect(readLimited(streamed(['{"a":', '1}']).response, 7)).resolves.toBe('{"a":1}');
  });

  it('gives up on a streamed body past the limit and cancels the rest', async () => {
    const { response, cancelled } = streamed(['12345', '67890', 'never read']);
    await expect(readLimited(response, 8)).rejects.toThrow('over the 8-byte limit');
    expect(cancelled()).toBe(true);
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const { response, cancelled } = streamed(['x'], { 'content-length': '2000000' });
    await expect(readLimited(response, 1024)).rejects.toThrow('body of 2000000 bytes is over the 1024-byte limit');
    expect(cancelled()).toBe(true);
  });

  it('counts bytes, not characters', async () => {
    await expect(readLimited(streamed(['éé']).response, 3)).rejects.toThrow('over the 3-byte limit');
  });
});
