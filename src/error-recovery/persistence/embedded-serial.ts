/**
 * The embedded PGlite is one session shared by every DataSource of the process, so a transaction
 * on it would take in any statement sent meanwhile (and roll it back with itself). The module's
 * writes to it run one at a time through this chain; on PostgreSQL they run freely.
 */
let chain: Promise<unknown> = Promise.resolve();

/** Runs `work` after every earlier serialised write has settled. */
export function serialiseEmbedded<T>(work: () => Promise<T>): Promise<T> {
  const run = chain.then(work);
  chain = run.catch(() => undefined);
  return run;
}
