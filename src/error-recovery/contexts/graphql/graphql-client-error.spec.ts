import type { CapturedError } from '../../capture/captured-errors.js';
import { NOT_ATTEMPTED } from '../../execute/recovery-report.js';
import { graphqlClientError, graphqlCode } from './graphql-client-error.js';

const captured = (httpStatus: number): CapturedError => ({
  id: 'e-1',
  classification: {
    errorType: 'ConnectionError',
    category: 'network',
    severity: 'high',
    httpStatus,
    transient: true,
    fingerprint: 'f',
    userMessage: 'A required service could not be reached. Please try again shortly.',
    message: 'connect ECONNREFUSED 10.0.0.5:5432',
    stack: 'Error: connect ECONNREFUSED 10.0.0.5:5432\n    at internal.ts:1',
  },
  report: NOT_ATTEMPTED,
});

describe('graphqlCode', () => {
  it.each([
    [400, 'BAD_USER_INPUT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [418, 'BAD_REQUEST'],
    [429, 'TOO_MANY_REQUESTS'],
    [500, 'INTERNAL_SERVER_ERROR'],
    [502, 'INTERNAL_SERVER_ERROR'],
    [503, 'SERVICE_UNAVAILABLE'],
  ])('%i → %s', (status, code) => {
    expect(graphqlCode(status)).toBe(code);
  });
});

describe('graphqlClientError', () => {
  it('carries the code and the error id, the user-safe message, and a stack of that one line', () => {
    const error = graphqlClientError(captured(503), false);
    expect(error.message).toBe('A required service could not be reached. Please try again shortly.');
    expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', error_id: 'e-1' });
    expect(error.stack).toBe(`Error: ${error.message}`);
  });

  it("shows the error's own (scrubbed) message only with exposeDetails", () => {
    expect(graphqlClientError(captured(500), true).message).toBe('connect ECONNREFUSED 10.0.0.5:5432');
  });
});
