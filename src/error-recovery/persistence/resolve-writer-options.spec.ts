import { resolveWriterOptions } from './resolve-writer-options.js';

describe('resolveWriterOptions', () => {
  it('makes batchSize a whole number of at least 1 (a negative or fractional one made insertBatches loop forever)', () => {
    expect(resolveWriterOptions({ batchSize: -5 }, 'svc').batchSize).toBe(1);
    expect(resolveWriterOptions({ batchSize: 0 }, 'svc').batchSize).toBe(1);
    expect(resolveWriterOptions({ batchSize: 2.5 }, 'svc').batchSize).toBe(2);
    expect(resolveWriterOptions({}, 'svc').batchSize).toBe(500);
  });
});
