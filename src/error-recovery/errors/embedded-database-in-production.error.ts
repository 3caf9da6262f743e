/**
 * The module would keep its errors (or its alert outbox) in the embedded PGlite while the app runs in
 * production: thrown at start-up, so that errors do not silently pile up in a local directory of one
 * container. The message names the option to set; `database: { embedded: true }` keeps the embedded
 * database on purpose.
 */
export class EmbeddedDatabaseInProductionError extends Error {
  override readonly name = 'EmbeddedDatabaseInProductionError';
  /** Brand read by {@link isEmbeddedDatabaseInProductionError}: works across two copies of the package. */
  readonly isEmbeddedDatabaseInProductionError = true;
}

/** True for an {@link EmbeddedDatabaseInProductionError}, from this copy of the package or another. */
export const isEmbeddedDatabaseInProductionError = (e: unknown): e is EmbeddedDatabaseInProductionError =>
  e instanceof Error && 'isEmbeddedDatabaseInProductionError' in e && e.isEmbeddedDatabaseInProductionError === true;
