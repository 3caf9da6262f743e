import type { ArgumentsHost } from '@nestjs/common';
import type { CapturedError } from '../../capture/captured-errors.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { NOT_ATTEMPTED } from '../../execute/recovery-report.js';
import { GraphqlAnswer } from './graphql.answer.js';

const options = (graphql: boolean): ResolvedErrorRecoveryOptions =>
  ({ contexts: { graphql }, capture: { maxContextBytes: 16_384 }, exposeDetails: false }) as unknown as ResolvedErrorRecoveryOptions;

const info = { fieldName: 'secured', parentType: { name: 'Query' }, path: { key: 'secured' }, operation: { operation: 'query' }, variableValues: { token: 't-1' } };
const host = { getArgs: () => [undefined, {}, {}, info] } as unknown as ArgumentsHost;

const captured: CapturedError = {
  id: 'e-9',
  classification: { errorType: 'Error', category: 'runtime', severity: 'high', httpStatus: 500, transient: false, fingerprint: 'f', userMessage: 'An unexpected error occurred. Please try again later.', message: 'secret internals' },
  report: NOT_ATTEMPTED,
};

describe('GraphqlAnswer', () => {
  it('snapshots the operation from the GraphQL host, variables scrubbed', () => {
    const snapshot = new GraphqlAnswer(options(true)).snapshot(host, new Error('x'));
    expect(snapshot).toMatchObject({ contextType: 'graphql', operation: 'Query.secured', context: { operationType: 'query', path: ['secured'], variables: { token: '[Filtered]' } } });
  });

  it("rejects with the client's error for a captured error", async () => {
    await expect(new GraphqlAnswer(options(true)).answer(new Error('secret internals'), host, Promise.resolve(captured))).rejects.toMatchObject({
      message: 'An unexpected error occurred. Please try again later.',
      extensions: { code: 'INTERNAL_SERVER_ERROR', error_id: 'e-9' },
    });
  });

  it('rejects with the error itself when it was not captured, as plain Nest rethrows it', async () => {
    const error = new Error('not found');
    await expect(new GraphqlAnswer(options(true)).answer(error, host, Promise.resolve(undefined))).rejects.toBe(error);
  });

  it('captures nothing with contexts.graphql: false, nor an error its resolver declined (once)', () => {
    expect(new GraphqlAnswer(options(false)).captures(host, new Error('x'))).toBe(false);
    const answer = new GraphqlAnswer(options(true));
    const declined = new Error('declined');
    answer.decline(declined);
    expect(answer.captures(host, declined)).toBe(false);
    expect(answer.captures(host, declined)).toBe(true);
    expect(answer.captures(host, new Error('other'))).toBe(true);
  });
});
