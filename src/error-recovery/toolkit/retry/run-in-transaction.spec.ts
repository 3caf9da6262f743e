import type { DataSource, EntityManager } from 'typeorm';
import { isUnknownRetryPresetError } from '../../errors/unknown-retry-preset.error.js';
import { runInTransaction } from './run-in-transaction.js';

/** A DataSource whose transaction runs the work at once, recording the isolation asked for. */
function fakeDataSource(): { dataSource: DataSource; isolations: string[] } {
  const isolations: string[] = [];
  const dataSource = {
    transaction: (isolation: string, work: (manager: EntityManager) => Promise<unknown>) => {
      isolations.push(isolation);
      return work({} as EntityManager);
    },
  } as unknown as DataSource;
  return { dataSource, isolations };
}

describe('runInTransaction', () => {
  it('an unknown policy name is a rejection, not a synchronous throw, and nothing runs', async () => {
    const { dataSource, isolations } = fakeDataSource();
    let call: Promise<unknown> | undefined;
    expect(() => {
      call = runInTransaction(dataSource, async () => 'ran', { policy: 'no-such-policy' });
    }).not.toThrow();
    const error = await call?.catch((e: unknown) => e);
    expect(isUnknownRetryPresetError(error)).toBe(true);
    expect(isolations).toEqual([]);
  });

  it('runs the work SERIALIZABLE by default and answers its value', async () => {
    const { dataSource, isolations } = fakeDataSource();
    await expect(runInTransaction(dataSource, async (_manager, attempt) => `attempt ${attempt}`)).resolves.toBe('attempt 1');
    expect(isolations).toEqual(['SERIALIZABLE']);
  });
});
