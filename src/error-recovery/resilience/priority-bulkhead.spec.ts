import { boostPriority, BulkheadFullError, PriorityBulkhead, type Permit } from './priority-bulkhead.js';

describe('PriorityBulkhead', () => {
  it('runs up to concurrency at once and hands freed slots to waiters by priority, then arrival', async () => {
    const bulkhead = new PriorityBulkhead(1, 10);
    const order: string[] = [];
    const first = await bulkhead.acquire('normal');
    const waits = (['n1:normal', 'l1:low', 'h1:high', 'n2:normal', 'c1:critical'] as const).map((spec) => {
      const [name, priority] = spec.split(':') as [string, 'low' | 'normal' | 'high' | 'critical'];
      return bulkhead.acquire(priority).then((p: Permit) => {
        order.push(name);
        p.release();
      });
    });
    expect(bulkhead.stats()).toMatchObject({ active: 1, queued: 5, byPriority: { low: 1, normal: 2, high: 1, critical: 1 } });
    first.release();
    await Promise.all(waits);
    expect(order).toEqual(['c1', 'h1', 'n1', 'n2', 'l1']);
    expect(bulkhead.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('refuses when the queue is full', async () => {
    const bulkhead = new PriorityBulkhead(1, 1);
    await bulkhead.acquire('normal');
    void bulkhead.acquire('normal');
    await expect(bulkhead.acquire('critical')).rejects.toBeInstanceOf(BulkheadFullError);
  });

  it('requeues a held slot ahead of lower waiters, before the slot is freed', async () => {
    const bulkhead = new PriorityBulkhead(1, 10);
    const order: string[] = [];
    const held = await bulkhead.acquire('normal');
    const normal = bulkhead.acquire('normal').then((p) => (order.push('normal'), p.release()));
    const boosted = bulkhead.requeue(held, 'high').then((p) => (order.push('boosted'), p.release()));
    await Promise.all([normal, boosted]);
    expect(order).toEqual(['boosted', 'normal']);
  });

  it('drops a waiter whose signal aborts', async () => {
    const bulkhead = new PriorityBulkhead(1, 10);
    await bulkhead.acquire('normal');
    const controller = new AbortController();
    const waiting = bulkhead.acquire('normal', controller.signal);
    controller.abort(new Error('budget'));
    await expect(waiting).rejects.toThrow('budget');
    expect(bulkhead.stats().queued).toBe(0);
  });

  it.each([
    ['low', 2, 'normal'],
    ['normal', 2, 'high'],
    ['high', 2, 'critical'],
    ['critical', 2, 'critical'],
    ['normal', 1, 'high'],
  ] as const)('boosts %s by %d to %s', (from, factor, to) => {
    expect(boostPriority(from, factor)).toBe(to);
  });
});
