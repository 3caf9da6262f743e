import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ERROR_LOG_STORE, ERROR_RECOVERY_DATA_SOURCE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { DuplicateHealthCheckError } from '../errors/duplicate-health-check.error.js';
import type { ErrorLogStore } from '../persistence/error-log-store.interface.js';
import { serialiseEmbedded } from '../persistence/embedded-serial.js';
import { isEmbedded } from '../persistence/error-recovery-data-source.js';
import { DEFAULT_DATA_SOURCE_NAME } from '../targets/data-source-name.js';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import type { HealthCheckDefinition, HealthCheckFunction, HealthCheckOptions, HealthCheckSource } from './health-check.interface.js';

/** Name of the module's own store in the report. */
export const ERROR_STORE_CHECK = 'error_store';

/**
 * The checks a health run runs: the module's store (critical), each of the app's DataSources,
 * the checks registered by name (`@RegisterHealthCheck()`, `HealthService.register()`) and those
 * of the added sources (Redis). Built-in and source checks are read at each run, so a DataSource
 * created later is checked too.
 */
@Injectable()
export class HealthCheckRegistry {
  private readonly registered = new Map<string, HealthCheckDefinition>();
  private readonly sources: HealthCheckSource[] = [];

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    @Inject(ERROR_RECOVERY_DATA_SOURCE) private readonly storeDataSource: DataSource,
    @Inject(ERROR_LOG_STORE) private readonly store: ErrorLogStore,
    private readonly dataSources: DataSourceTargets,
  ) {}

  /** Adds a named check; throws {@link DuplicateHealthCheckError} when the name is taken. */
  register(name: string, check: HealthCheckFunction, options: HealthCheckOptions = {}): void {
    if (this.registered.has(name) || name === ERROR_STORE_CHECK) throw new DuplicateHealthCheckError(name);
    this.registered.set(name, { ...options, name, check });
  }

  /** Removes a named check; false when there was none. */
  unregister(name: string): boolean {
    return this.registered.delete(name);
  }

  addSource(source: HealthCheckSource): void {
    this.sources.push(source);
  }

  /** Every check to run now, each name once (the first wins). */
  all(): HealthCheckDefinition[] {
    const all: HealthCheckDefinition[] = [{ name: ERROR_STORE_CHECK, critical: true, check: () => this.pingStore() }];
    if (this.options.health.dataSources) {
      for (const { name, dataSource } of this.dataSources.list()) {
        all.push({ name: name === DEFAULT_DATA_SOURCE_NAME ? 'database' : `database:${name}`, check: () => ping(dataSource) });
      }
    }
    all.push(...this.registered.values());
    for (const source of this.sources) all.push(...source.checks());
    const seen = new Set<string>();
    return all.filter((c) => !seen.has(c.name) && seen.add(c.name));
  }

  private async pingStore(): Promise<void> {
    // A store of the app's own (`store` option) has no DataSource of the module's: its connect() is the check.
    if (this.options.store) return this.store.connect();
    const check = (): Promise<void> => ping(this.storeDataSource, 'the error store is not connected yet; the module keeps retrying (see the start-up log)');
    // The embedded PGlite is one session: the ping waits for the module's write in progress
    // rather than landing inside its transaction.
    await (isEmbedded(this.options.database) ? serialiseEmbedded(check) : check());
  }
}

async function ping(dataSource: DataSource, notConnected = 'the DataSource is not initialized'): Promise<void> {
  if (!dataSource.isInitialized) throw new Error(notConnected);
  await dataSource.query(dataSource.options.type === 'oracle' ? 'SELECT 1 FROM DUAL' : 'SELECT 1');
}
