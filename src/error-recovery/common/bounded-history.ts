/**
 * The last `capacity` entries of something, newest first. Effects on shared resources (caches
 * cleared, deployments scaled) are kept here so the admin API can show them without the list
 * growing for the life of the process.
 */
export class BoundedHistory<T> {
  private readonly entries: T[] = [];

  constructor(private readonly capacity = 100) {}

  add(entry: T): void {
    this.entries.unshift(entry);
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
  }

  /** A copy, newest first. */
  list(): T[] {
    return [...this.entries];
  }
}
