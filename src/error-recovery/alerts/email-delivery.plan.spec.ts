import { planEmailDelivery, recipientsKey, type EmailDeliveryPlan } from './email-delivery.plan.js';
import type { OutboxRow } from './outbox/alert-candidate.js';
import { newOutboxRow } from './outbox/alert-outbox.rows.js';
import { bareAlert } from './templates/alert-fixtures.spec-helper.js';

const NOW = new Date('2024-05-01T14:00:00.000Z');
const TEAM = ['team@example.com'];
const ONCALL = ['oncall@example.com', 'team@example.com'];
const CTO = ['cto@example.com'];

/** `n` e-mail rows to `recipients`, ids `<prefix>1…<prefix>n`. */
const rows = (prefix: string, n: number, recipients: string[] = TEAM): OutboxRow[] =>
  Array.from({ length: n }, (_, i) => newOutboxRow(`${prefix}${i + 1}`, bareAlert({ id: `alert-${prefix}${i + 1}`, title: `alert ${prefix}${i + 1}` }), 'email', recipients, null, NOW));

const ids = (list: readonly OutboxRow[]): string[] => list.map((r) => r.id);
const foldedIds = (plan: EmailDeliveryPlan): Record<string, string[]> => Object.fromEntries([...plan.fold].map(([key, group]) => [key, ids(group)]));
/** Mails the plan sends this round: one per sent row, one per digest. */
const mails = (plan: EmailDeliveryPlan): number => plan.send.length + plan.fold.size;

describe('planEmailDelivery', () => {
  it.each<[string, number, number]>([
    ['no rows', 0, 30],
    ['fewer rows than the cap', 3, 30],
    ['exactly the cap', 5, 5],
  ])('sends everything with %s', (_name, n, capacity) => {
    const input = rows('r', n);
    const plan = planEmailDelivery(input, capacity);
    expect(ids(plan.send)).toEqual(ids(input));
    expect(plan.fold.size).toBe(0);
  });

  it('over the cap, sends what fits and folds the rest into one digest, the digest taking the last slot', () => {
    const input = rows('r', 10);
    const plan = planEmailDelivery(input, 4);
    expect(ids(plan.send)).toEqual(['r1', 'r2', 'r3']);
    expect(foldedIds(plan)).toEqual({ 'team@example.com': ['r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10'] });
    expect(mails(plan)).toBe(4);
  });

  it('with capacity 1 and many rows, sends one digest of them all', () => {
    const input = rows('r', 50);
    const plan = planEmailDelivery(input, 1);
    expect(plan.send).toEqual([]);
    expect(foldedIds(plan)).toEqual({ 'team@example.com': ids(input) });
  });

  it('folds one digest per group of recipients', () => {
    // Interleaved as the worker claims them (worst first), three groups.
    const [t1, t2, t3] = rows('t', 3, TEAM);
    const [o1, o2] = rows('o', 2, ONCALL);
    const [c1, c2] = rows('c', 2, CTO);
    const input = [o1, t1, c1, o2, t2, c2, t3];
    const plan = planEmailDelivery(input, 5);
    // o2 is alone in its group: a digest of one mail is no saving, so it is sent as it is.
    expect(ids(plan.send)).toEqual(['o1', 't1', 'o2']);
    expect(foldedIds(plan)).toEqual({
      'cto@example.com': ['c1', 'c2'],
      'team@example.com': ['t2', 't3'],
    });
    expect(plan.defer).toEqual([]);
    expect(mails(plan)).toBe(5);
  });

  it('sends more when the rows it sends leave a group with nothing to fold', () => {
    // Naively 4 - 2 groups = 2 sent; but sending the lone cto row frees its digest slot.
    const input = [...rows('c', 1, CTO), ...rows('t', 5, TEAM)];
    const plan = planEmailDelivery(input, 4);
    expect(ids(plan.send)).toEqual(['c1', 't1', 't2']);
    expect(foldedIds(plan)).toEqual({ 'team@example.com': ['t3', 't4', 't5'] });
    expect(mails(plan)).toBe(4);
  });

  it('groups recipients regardless of order and case', () => {
    const input = [...rows('a', 2, ['Team@Example.com', 'oncall@example.com']), ...rows('b', 2, ['oncall@example.com', 'team@example.com'])];
    const plan = planEmailDelivery(input, 1);
    expect(foldedIds(plan)).toEqual({ 'oncall@example.com,team@example.com': ['a1', 'a2', 'b1', 'b2'] });
    expect(recipientsKey(input[0])).toBe(recipientsKey(input[3]));
  });

  it('when not even the digests fit, sends what fits and defers the rest instead of folding', () => {
    const input = [...rows('t', 2, TEAM), ...rows('c', 2, CTO), ...rows('o', 2, ONCALL)];
    const plan = planEmailDelivery(input, 2);
    expect(ids(plan.send)).toEqual(['t1', 't2']);
    expect(plan.fold.size).toBe(0);
    expect(ids(plan.defer)).toEqual(['c1', 'c2', 'o1', 'o2']);
  });

  it('with no capacity at all, defers everything', () => {
    const plan = planEmailDelivery(rows('r', 3), 0);
    expect(plan.send).toEqual([]);
    expect(ids(plan.defer)).toEqual(['r1', 'r2', 'r3']);
  });

  it('never folds a lone digest into another digest', () => {
    const digest = rows('d', 1, TEAM);
    const plan = planEmailDelivery([...digest, ...rows('c', 3, CTO)], 2);
    expect(ids(plan.send)).toEqual(['d1']);
    expect(foldedIds(plan)).toEqual({ 'cto@example.com': ['c1', 'c2', 'c3'] });
  });

  it.each<[number, number, number]>([
    [11, 2, 2],
    [11, 2, 5],
    [40, 3, 3],
    [40, 3, 10],
    [40, 4, 30],
    [7, 1, 6],
  ])('%d rows in %d groups, capacity %d: sent + digests never exceed the cap, every row once', (n, groupCount, capacity) => {
    const groups = [TEAM, ONCALL, CTO, ['dev@example.com']].slice(0, groupCount);
    const input = Array.from({ length: n }, (_, i) => rows(`r${i}-`, 1, groups[i % groupCount])[0]);
    const plan = planEmailDelivery(input, capacity);
    expect(mails(plan)).toBeLessThanOrEqual(capacity);
    // Every row exactly once: sent, folded or deferred.
    expect(ids([...plan.send, ...[...plan.fold.values()].flat(), ...plan.defer]).sort()).toEqual(ids(input).sort());
    // Deferring happens only when the digests would not fit; otherwise the cap is used fully.
    if (plan.defer.length > 0) expect(plan.fold.size).toBe(0);
    else expect(mails(plan)).toBe(capacity);
    for (const [key, group] of plan.fold) {
      expect(group.length).toBeGreaterThan(1);
      expect(ids(group)).toEqual(ids(input.filter((r) => recipientsKey(r) === key && group.includes(r))));
    }
  });

  it('does not change the rows it is given', () => {
    const input = rows('r', 6);
    const before = ids(input);
    planEmailDelivery(input, 2);
    expect(ids(input)).toEqual(before);
  });
});
