import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext } from '../execute/recovery-test-context.spec-helper.js';
import { systemClock } from '../resilience/clock.js';
import type { Priority } from '../resilience/priority-bulkhead.js';
import type { RecoveryContext } from './recovery-strategy.interface.js';
import { QueuePriorityStrategy } from './queue-priority.strategy.js';

function ctx(overrides: Partial<RecoveryContext> = {}): RecoveryContext & { requeued: Priority[] } {
  const requeued: Priority[] = [];
  return {
    ...specContext({ replay: async () => ({ ok: true }) }),
    budget: new RecoveryBudget(systemClock, 5000),
    slot: { priority: 'normal', requeue: async (p) => void requeued.push(p) },
    requeued,
    ...overrides,
  };
}

describe('QueuePriorityStrategy', () => {
  it('requeues at the boosted priority, then replays', async () => {
    const c = ctx();
    const outcome = await new QueuePriorityStrategy().execute(c);
    expect(c.requeued).toEqual(['high']);
    expect(outcome).toMatchObject({ resolved: true, result: { ok: true } });
  });

  it('reports a failure when no slot frees within the budget', async () => {
    const outcome = await new QueuePriorityStrategy().execute(
      ctx({ slot: { priority: 'normal', requeue: async () => Promise.reject(new Error('recovery budget exhausted')) } }),
    );
    expect(outcome).toMatchObject({ resolved: false, steps: [{ success: false, skipped: false }] });
  });

  it.each<[string, Partial<RecoveryContext>, string]>([
    ['a route without a bulkhead', { slot: undefined }, 'route has no bulkhead (declare one with @AiErrorHandler({ bulkhead }))'],
    ['no handler in hand', { replay: undefined }, 'original request not available'],
    ['an unsafe request', { replaySafe: false }, 'not replay-safe'],
  ])('is skipped for %s, without requeueing', async (_label, overrides, message) => {
    const c = ctx(overrides);
    expect(await new QueuePriorityStrategy().execute(c)).toMatchObject({ resolved: false, steps: [{ skipped: true, message }] });
    expect(c.requeued).toEqual([]);
  });
});
