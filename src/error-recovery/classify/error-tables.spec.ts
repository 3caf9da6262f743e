import { SEVERITIES } from './classification.interface.js';
import { CATEGORY_TABLE, errorTypeForIncomingStatus, SEVERITY_TABLE, STATUS_BY_SEVERITY } from './error-tables.js';

describe('errorTypeForIncomingStatus', () => {
  it.each<[number, string]>([
    [400, 'ValidationError'],
    [401, 'AuthenticationError'],
    [403, 'AuthenticationError'],
    [404, 'NotFoundError'],
    [408, 'TimeoutError'],
    [409, 'HttpError'],
    [413, 'HttpError'],
    [422, 'HttpError'],
    [429, 'RateLimitError'],
    [500, 'HttpError'],
    [502, 'APIError'],
    [503, 'ServiceUnavailableError'],
    [504, 'TimeoutError'],
  ])('%i → %s', (status, errorType) => {
    expect(errorTypeForIncomingStatus(status)).toBe(errorType);
  });
});

describe('tables', () => {
  it.each(Object.keys(SEVERITY_TABLE))('%s has a category and a valid severity', (errorType) => {
    expect(CATEGORY_TABLE[errorType]).toBeDefined();
    expect(SEVERITIES).toContain(SEVERITY_TABLE[errorType]);
  });

  it('maps severities to statuses', () => {
    expect(STATUS_BY_SEVERITY).toEqual({ critical: 500, high: 503, medium: 500, low: 500 });
  });
});
