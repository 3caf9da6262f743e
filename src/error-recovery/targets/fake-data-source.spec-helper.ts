import type { DiscoveryService } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { Classification } from '../classify/classification.interface.js';
import { resolveOptions, type ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import type { ErrorRecoveryModuleOptions } from '../error-recovery-options.interface.js';

/** A pg-pool's fields that pool sizing touches. */
export interface FakePool {
  options: { max: number };
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Fields of a fake DataSource; a pool unless `driver` (embedded) is given. */
export interface FakeDataSourceSpec {
  type?: string;
  max?: number;
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
  driver?: unknown;
  initialized?: boolean;
  dropSchema?: boolean;
  name?: string;
}

/** An object shaped like a TypeORM DataSource with a pg pool in `driver.master`, for specs. */
export function fakeDataSource(spec: FakeDataSourceSpec = {}): DataSource & { driver: { master: FakePool | undefined } } {
  const max = spec.max ?? 10;
  const master: FakePool | undefined = spec.driver
    ? undefined
    : { options: { max }, totalCount: spec.totalCount ?? max, idleCount: spec.idleCount ?? 0, waitingCount: spec.waitingCount ?? 1 };
  return {
    // The marker TypeORM's InstanceChecker reads.
    '@instanceof': Symbol.for('DataSource'),
    options: { type: spec.type ?? 'postgres', driver: spec.driver, dropSchema: spec.dropSchema, name: spec.name },
    isInitialized: spec.initialized ?? true,
    driver: { master },
  } as unknown as DataSource & { driver: { master: FakePool | undefined } };
}

/** A DiscoveryService that finds these providers (token → instance). */
export function fakeDiscovery(providers: { token: unknown; instance: unknown }[] = []): DiscoveryService {
  return { getProviders: () => providers.map((p) => ({ ...p, isDependencyTreeStatic: () => true })) } as unknown as DiscoveryService;
}

/** Resolved options with these targets. */
export const optionsWith = (options: ErrorRecoveryModuleOptions = {}): ResolvedErrorRecoveryOptions => resolveOptions(options, {});

/** A transient DatabaseError of an exhausted pool, for specs. */
export const poolTimeout: Classification = {
  errorType: 'DatabaseError',
  category: 'database',
  severity: 'critical',
  httpStatus: 500,
  transient: true,
  fingerprint: 'd'.repeat(32),
  userMessage: 'A temporary data storage problem occurred.',
  message: 'timeout exceeded when trying to connect',
};
