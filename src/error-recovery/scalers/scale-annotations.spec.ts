import { baselineOf, coolingDownUntil, readScaleMemory, SCALE_ANNOTATIONS } from './scale-annotations.js';

const at = Date.parse('2026-12-03T10:00:00.000Z');

describe('scale annotations', () => {
  it('reads what the module wrote and ignores anything unreadable', () => {
    expect(readScaleMemory({ [SCALE_ANNOTATIONS.baseline]: '2', [SCALE_ANNOTATIONS.scaledAt]: '2026-12-03T10:00:00.000Z', [SCALE_ANNOTATIONS.scaledTo]: '3', other: 'x' })).toEqual({
      baseline: 2,
      scaledAt: at,
      scaledTo: 3,
    });
    expect(readScaleMemory({ [SCALE_ANNOTATIONS.baseline]: '0', [SCALE_ANNOTATIONS.scaledAt]: 'soon', [SCALE_ANNOTATIONS.scaledTo]: '-1' })).toEqual({
      baseline: undefined,
      scaledAt: undefined,
      scaledTo: undefined,
    });
    expect(readScaleMemory(undefined)).toEqual({ baseline: undefined, scaledAt: undefined, scaledTo: undefined });
    expect(readScaleMemory({ [SCALE_ANNOTATIONS.baseline]: 2 })).toMatchObject({ baseline: undefined });
  });

  it.each<[string, number, { baseline?: number; scaledTo?: number }, number]>([
    ['nothing stored: the current size', 4, {}, 4],
    ['still the size the module set: the stored baseline', 4, { baseline: 2, scaledTo: 4 }, 2],
    ['a baseline without scaled-to: kept', 4, { baseline: 2 }, 2],
    ['resized by someone else since: the new size', 10, { baseline: 2, scaledTo: 4 }, 10],
  ])('baseline — %s', (_, current, memory, expected) => {
    expect(baselineOf(current, memory)).toBe(expected);
  });

  it('cools down for coolDownMs after the stored time, whoever scaled', () => {
    expect(coolingDownUntil({ scaledAt: at }, at + 1000, 60_000)).toBe(at + 60_000);
    expect(coolingDownUntil({ scaledAt: at }, at + 60_000, 60_000)).toBeUndefined();
    expect(coolingDownUntil({ scaledAt: at }, at + 1000, 0)).toBeUndefined();
    expect(coolingDownUntil({}, at, 60_000)).toBeUndefined();
  });
});
