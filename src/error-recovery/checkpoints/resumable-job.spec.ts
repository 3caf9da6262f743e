import type { ModuleLogger } from '../common/log-line.js';
import { FakeClock, FakePostgresLayer } from './checkpoint-fakes.spec-helper.js';
import { LayeredCheckpointStore } from './layered-checkpoint.store.js';
import { MemoryCheckpointLayer } from './memory-checkpoint.layer.js';
import { resolveCheckpointsOptions } from './resolve-checkpoints-options.js';
import { runResumable, type ResumableStep } from './resumable-job.js';

function newStore() {
  const postgres = new FakePostgresLayer();
  // Memory off: what survives is what PostgreSQL holds, as after a restart.
  const store = new LayeredCheckpointStore({ memory: new MemoryCheckpointLayer(0, 0, 0), postgres: postgres.asLayer() }, resolveCheckpointsOptions(), new FakeClock(), {} as ModuleLogger);
  return { postgres, store };
}

describe('runResumable', () => {
  const log: string[] = [];
  let failAt: string | undefined;
  const step = (name: string, result: unknown): ResumableStep => ({
    name,
    run: async (results) => {
      if (failAt === name) throw new Error(`${name} failed`);
      log.push(`${name}(${Object.keys(results).join(',')})`);
      return result;
    },
  });
  const steps = [step('fetch', { rows: 3 }), step('transform', undefined), step('store', 'ok')];

  beforeEach(() => {
    log.length = 0;
    failAt = undefined;
  });

  it('runs every step in order, passes earlier results on, and deletes the checkpoint at the end', async () => {
    const { store, postgres } = newStore();
    const run = await runResumable(store, 'job:1', steps);
    expect(run).toEqual({ ran: ['fetch', 'transform', 'store'], skipped: [], results: { fetch: { rows: 3 }, transform: null, store: 'ok' } });
    expect(log).toEqual(['fetch()', 'transform(fetch)', 'store(fetch,transform)']);
    expect(postgres.rows.size).toBe(0);
  });

  it('after a failure at step N, the next run resumes at step N with the saved results', async () => {
    const { store, postgres } = newStore();
    failAt = 'store';
    await expect(runResumable(store, 'job:2', steps, { ttl: 60_000 })).rejects.toThrow('store failed');
    expect(JSON.parse(postgres.rows.get('job:2')!.json)).toEqual({ completed: ['fetch', 'transform'], results: { fetch: { rows: 3 }, transform: null } });
    failAt = undefined;
    log.length = 0;
    const run = await runResumable(store, 'job:2', steps);
    expect(run.ran).toEqual(['store']);
    expect(run.skipped).toEqual(['fetch', 'transform']);
    expect(run.results).toEqual({ fetch: { rows: 3 }, transform: null, store: 'ok' });
    expect(log).toEqual(['store(fetch,transform)']);
    expect(postgres.rows.size).toBe(0);
  });

  it('refuses duplicate step names and a key holding something else, running nothing', async () => {
    const { store } = newStore();
    await expect(runResumable(store, 'job:3', [step('a', 1), step('a', 2)])).rejects.toMatchObject({ name: 'InvalidCheckpointArgumentError', argument: 'steps' });
    await store.save('job:4', { unrelated: true });
    await expect(runResumable(store, 'job:4', steps)).rejects.toThrow(/not a resumable job's; use a key of its own/);
    expect(log).toEqual([]);
  });

  it('a step result that is not plain data fails that step, keeping the steps before it', async () => {
    const { store, postgres } = newStore();
    await expect(runResumable(store, 'job:5', [step('a', 1), step('b', () => 2)])).rejects.toMatchObject({ name: 'CheckpointNotSerializableError', path: '$.results.b' });
    expect(JSON.parse(postgres.rows.get('job:5')!.json)).toEqual({ completed: ['a'], results: { a: 1 } });
  });
});
