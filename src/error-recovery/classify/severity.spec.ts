import type { Severity } from './classification.interface.js';
import { adjustSeverity, baseSeverity, isDevelopment, lowerSeverity } from './severity.js';

describe('isDevelopment', () => {
  it.each<[string, boolean]>([
    ['development', true],
    ['Development', true],
    ['dev', true],
    [' LOCAL ', true],
    ['production', false],
    ['staging', false],
    ['test', false],
    ['', false],
  ])('%p → %p', (environment, expected) => {
    expect(isDevelopment(environment)).toBe(expected);
  });
});

describe('baseSeverity', () => {
  it.each<[string, Readonly<Record<string, Severity>> | undefined, Severity]>([
    ['DatabaseError', undefined, 'critical'],
    ['TimeoutError', undefined, 'high'],
    ['LookupError', undefined, 'medium'],
    ['NotFoundError', undefined, 'low'],
    ['SomethingElse', undefined, 'low'],
    ['constructor', undefined, 'low'],
    ['DatabaseError', { DatabaseError: 'low' }, 'low'],
    ['Error', { Error: 'high' }, 'high'],
    ['Error', { Error: 'bogus' as Severity }, 'low'],
  ])('%s with %p → %s', (errorType, overrides, expected) => {
    expect(baseSeverity(errorType, overrides)).toBe(expected);
  });
});

describe('adjustSeverity', () => {
  it('is exported as lowerSeverity too', () => {
    expect(lowerSeverity).toBe(adjustSeverity);
    expect(adjustSeverity('critical', 'dev')).toBe('high');
    expect(adjustSeverity('critical', 'production')).toBe('critical');
  });
});
