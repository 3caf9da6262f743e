import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InstanceChecker, type DataSource } from 'typeorm';
import { ERROR_RECOVERY_DATA_SOURCE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { DEFAULT_DATA_SOURCE_NAME, dataSourceNameFromToken, ownDataSourceName } from './data-source-name.js';

/** A DataSource of the app with the name routes use to pick it (`parameters.*.dataSource`). */
export interface NamedDataSource {
  readonly name: string;
  readonly dataSource: DataSource;
}

interface Found {
  dataSource: DataSource;
  name?: string;
}

/**
 * The app's TypeORM DataSources that strategies may act on: those given in `targets.dataSources`
 * and every provider that is a DataSource (@nestjs/typeorm registers each as one), once each.
 * The module's own error-store DataSource is never a provider, so it is never a target.
 * Read at call time rather than cached: it runs only while recovering or listing, and so it
 * always sees the DataSources as they are.
 */
@Injectable()
export class DataSourceTargets {
  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  /** Every DataSource: the given ones first, then the discovered ones, in a stable order. */
  list(): NamedDataSource[] {
    const found: Found[] = [];
    const add = (dataSource: DataSource, name: string | undefined): void => {
      const known = found.find((f) => f.dataSource === dataSource);
      if (!known) found.push({ dataSource, name });
      else known.name ??= name;
    };
    for (const dataSource of this.options.targets.dataSources ?? []) add(dataSource, ownDataSourceName(dataSource));
    for (const wrapper of this.discovery.getProviders()) {
      // InstanceChecker reads a marker TypeORM stamps on its objects, so it holds across two copies of typeorm.
      const instance: unknown = wrapper.instance;
      // The module's own store is never a recovery target: its pool is sized for logging only.
      if (wrapper.token === ERROR_RECOVERY_DATA_SOURCE) continue;
      if (InstanceChecker.isDataSource(instance)) add(instance, dataSourceNameFromToken(wrapper.token) ?? ownDataSourceName(instance));
    }
    const taken = new Set<string>();
    return found.map((f, index) => {
      let name = f.name ?? DEFAULT_DATA_SOURCE_NAME;
      if (taken.has(name)) name = `${name}-${index + 1}`;
      taken.add(name);
      return { name, dataSource: f.dataSource };
    });
  }

  /** The PostgreSQL ones: the only kind whose pool can be sized. */
  postgres(): NamedDataSource[] {
    return this.list().filter((t) => t.dataSource.options.type === 'postgres');
  }
}
