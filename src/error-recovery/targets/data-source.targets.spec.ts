import { DataSource } from 'typeorm';
import { dataSourceNameFromToken } from './data-source-name.js';
import { DataSourceTargets } from './data-source.targets.js';
import { fakeDataSource, fakeDiscovery, optionsWith } from './fake-data-source.spec-helper.js';

describe('dataSourceNameFromToken', () => {
  it.each<[unknown, string | undefined]>([
    [DataSource, 'default'],
    ['ordersDataSource', 'orders'],
    ['DataSource', 'DataSource'],
    ['analytics', 'analytics'],
    ['', undefined],
    [Symbol('x'), undefined],
    [class Other {}, undefined],
  ])('%p → %p', (token, name) => {
    expect(dataSourceNameFromToken(token)).toBe(name);
  });
});

describe('DataSourceTargets', () => {
  it('finds DataSource providers, named after their @nestjs/typeorm token, and ignores other providers', () => {
    const main = fakeDataSource();
    const orders = fakeDataSource();
    const targets = new DataSourceTargets(
      fakeDiscovery([
        { token: DataSource, instance: main },
        { token: 'ordersDataSource', instance: orders },
        { token: 'SomethingElse', instance: { options: { type: 'postgres' } } },
        { token: 'Unresolved', instance: undefined },
      ]),
      optionsWith(),
    );
    expect(targets.list()).toEqual([
      { name: 'default', dataSource: main },
      { name: 'orders', dataSource: orders },
    ]);
  });

  it('lists a DataSource given in options and found as a provider once, with the better name', () => {
    const shared = fakeDataSource();
    const extra = fakeDataSource({ name: 'reports' });
    const targets = new DataSourceTargets(fakeDiscovery([{ token: 'ordersDataSource', instance: shared }]), optionsWith({ targets: { dataSources: [shared, extra] } }));
    expect(targets.list().map((t) => [t.name, t.dataSource])).toEqual([
      ['orders', shared],
      ['reports', extra],
    ]);
  });

  it('keeps names unique and filters PostgreSQL ones', () => {
    const a = fakeDataSource();
    const b = fakeDataSource({ type: 'mysql' });
    const targets = new DataSourceTargets(fakeDiscovery(), optionsWith({ targets: { dataSources: [a, b] } }));
    expect(targets.list().map((t) => t.name)).toEqual(['default', 'default-2']);
    expect(targets.postgres().map((t) => t.dataSource)).toEqual([a]);
  });
});
