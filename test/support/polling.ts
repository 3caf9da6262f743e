/**
 * Waits until `probe` returns a value that `done` accepts, polling every 25 ms, failing after
 * `timeoutMs`. For e2e tests only: they watch a real background writer, which has no fake clock.
 */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    last = await probe();
  }
  return last;
}
