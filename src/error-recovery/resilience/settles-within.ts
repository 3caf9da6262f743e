/**
 * Waits for `work` to settle, but at most `ms`: true when it settled (resolved or rejected), false
 * at the deadline. The work goes on either way; the timer is unref'd so it never holds the process.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = work.then(
    () => true,
    () => true,
  );
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref();
  });
  const finished = await Promise.race([settled, deadline]);
  clearTimeout(timer);
  return finished;
}
