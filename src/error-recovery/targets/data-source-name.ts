import { DataSource } from 'typeorm';

/** @nestjs/typeorm names the token of a named DataSource `<name>DataSource`. */
const TOKEN_SUFFIX = 'DataSource';

/** The name @nestjs/typeorm gives the DataSource no `name` was set for. */
export const DEFAULT_DATA_SOURCE_NAME = 'default';

/**
 * The name of a DataSource provider, read from its injection token the way @nestjs/typeorm builds
 * it: the `DataSource` class is `'default'`, `ordersDataSource` is `'orders'`, any other string
 * token is taken as it is. Undefined for other class or symbol tokens (the caller falls back).
 */
export function dataSourceNameFromToken(token: unknown): string | undefined {
  if (token === DataSource) return DEFAULT_DATA_SOURCE_NAME;
  if (typeof token !== 'string' || token === '') return undefined;
  return token.endsWith(TOKEN_SUFFIX) && token.length > TOKEN_SUFFIX.length ? token.slice(0, -TOKEN_SUFFIX.length) : token;
}

/**
 * The `name` a DataSource carries itself. TypeORM 1 dropped `name` from DataSource and its options,
 * but options written for 0.3 (and @nestjs/typeorm's own) still carry it at runtime.
 */
export function ownDataSourceName(dataSource: DataSource): string | undefined {
  const fromOptions: unknown = (dataSource.options as { name?: unknown }).name;
  const fromInstance: unknown = (dataSource as unknown as { name?: unknown }).name;
  const name = typeof fromOptions === 'string' ? fromOptions : fromInstance;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
