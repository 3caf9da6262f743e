import type { DataSource } from 'typeorm';
import type { Restartable } from '../common/recovery-target.interface.js';
import { isEmbedded } from './pg-pool.js';

/**
 * A DataSource as a restart target: `destroy()` (which, through pg-pool's `end()`, waits for
 * checked-out connections to be released — the graceful part), then `initialize()` on the same
 * object, so repositories and injected references keep working. Health check: `SELECT 1`.
 */
export class DataSourceRestartable implements Restartable {
  constructor(
    readonly name: string,
    private readonly dataSource: DataSource,
  ) {}

  /** Why this DataSource must not be restarted, if it must not. */
  refusal(): string | undefined {
    const options = this.dataSource.options as { type: string; dropSchema?: boolean; database?: unknown };
    if (options.dropSchema) return `DataSource "${this.name}" has dropSchema: true; initializing it again would erase its data`;
    if (isEmbedded(this.dataSource)) {
      // typeorm-pglite keeps one PGlite per process (the error store may share it); closing it loses in-memory data.
      return `DataSource "${this.name}" is an embedded database (PGlite or another custom driver); restarting it would close the shared in-process instance`;
    }
    if (options.type === 'sqljs' || options.database === ':memory:') return `DataSource "${this.name}" is in memory; restarting it would lose its data`;
    return undefined;
  }

  /** Closes the pool (waiting for checked-out connections) and connects again. */
  async restart(): Promise<void> {
    // A DataSource left destroyed by an earlier failed restart is only initialized.
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.dataSource.initialize();
  }

  /** Rejects when the database does not answer. */
  async healthCheck(): Promise<boolean> {
    await this.dataSource.query('SELECT 1');
    return true;
  }
}
