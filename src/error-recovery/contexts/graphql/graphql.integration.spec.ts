import 'reflect-metadata';
import type { ModuleRef } from '@nestjs/core';
import { Args, Mutation, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { firstValueFrom, isObservable, of, throwError, toArray, type Observable } from 'rxjs';
import type { CapturedError, ErrorPipeline, RecoveryInput } from '../../error-pipeline.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { NOT_ATTEMPTED } from '../../execute/recovery-report.js';
import { systemClock } from '../../resilience/clock.js';
import { GraphqlAnswer } from './graphql.answer.js';
import { GraphqlIntegration } from './graphql.integration.js';
import type { OperationMethod } from '../../capture/operation-wrapping.js';

@Resolver()
class Orders {
  @Query(() => String)
  order(@Args('id') id: string): string {
    if (id === 'boom') throw new Error('db down');
    return `order:${id}`;
  }

  @Mutation(() => String)
  place(): string {
    return 'placed';
  }

  @ResolveField(() => String)
  note(): string {
    return 'note';
  }

  @Subscription(() => String)
  changes(): string {
    return '';
  }

  helper(): string {
    return '';
  }
}

const info = { fieldName: 'order', parentType: { name: 'Query' }, path: { key: 'order' }, operation: { operation: 'query' }, variableValues: { id: 'boom' } };

function integration(graphql = true, gqlOptions?: object): { integration: GraphqlIntegration; inputs: RecoveryInput[]; rethrown: unknown[] } {
  const rethrown: unknown[] = [];
  const inputs: RecoveryInput[] = [];
  const pipeline = {
    shouldCapture: () => true,
    capture: (_error: unknown, _snapshot: unknown, input: RecoveryInput): Promise<CapturedError> => {
      inputs.push(input);
      return Promise.resolve({ id: 'e-1', classification: {} as CapturedError['classification'], report: NOT_ATTEMPTED });
    },
    rethrown: (error: unknown) => rethrown.push(error),
  } as unknown as ErrorPipeline;
  const moduleRef = {
    get: () => {
      if (gqlOptions) return gqlOptions;
      throw new Error('no GraphQLModule');
    },
  } as unknown as ModuleRef;
  const options = { contexts: { graphql }, capture: { maxContextBytes: 16_384 }, clock: systemClock, exposeDetails: false } as unknown as ResolvedErrorRecoveryOptions;
  return { integration: new GraphqlIntegration(pipeline, new ErrorRecoveryStats(), moduleRef, new GraphqlAnswer(options), options), inputs, rethrown };
}

const method = (name: keyof Orders): OperationMethod => Orders.prototype[name] as OperationMethod;

describe('GraphqlIntegration', () => {
  it('selects queries, mutations and field resolvers; not subscriptions nor plain methods', () => {
    const { integration: gql } = integration();
    const selected = (['order', 'place', 'note', 'changes', 'helper'] as const).filter((name) => gql.selects(Orders, name, method(name)));
    expect(selected).toEqual(['order', 'place', 'note']);
  });

  it('selects nothing with contexts.graphql: false', () => {
    const { integration: gql } = integration(false);
    expect(gql.selects(Orders, 'order', method('order'))).toBe(false);
  });

  it('hands a successful call its own value, synchronously, without the INFO argument it added', () => {
    const { integration: gql } = integration();
    gql.selects(Orders, 'order', method('order'));
    const handler = gql.handler(new Orders(), Orders, 'order');
    let seen: unknown[] = [];
    const result = handler(new Orders(), ['7', info], function (this: unknown, ...args: unknown[]) {
      seen = args;
      return 'order:7';
    });
    expect(result).toBe('order:7');
    expect(seen).toEqual(['7']);
  });

  it('captures a failed query as replay-safe and rethrows the same error when nothing recovered it', async () => {
    const { integration: gql, inputs } = integration();
    const handler = gql.handler(new Orders(), Orders, 'order');
    const error = new Error('db down');
    await expect(handler(new Orders(), ['boom', info], () => { throw error; })).rejects.toBe(error);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ replaySafe: true, controller: Orders });
  });

  it('takes a mutation as not replay-safe', async () => {
    const { integration: gql, inputs } = integration();
    gql.selects(Orders, 'place', method('place'));
    const handler = gql.handler(new Orders(), Orders, 'place');
    const mutation = { ...info, operation: { operation: 'mutation' } };
    await expect(handler(new Orders(), [undefined, {}, {}, mutation], () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(inputs[0].replaySafe).toBe(false);
  });

  it("answers a field resolver's error itself when no filter runs on fields: the client's error", async () => {
    const { integration: gql } = integration();
    gql.selects(Orders, 'note', method('note'));
    const handler = gql.handler(new Orders(), Orders, 'note');
    const failure = handler(new Orders(), [{}, {}, {}, info], () => { throw new Error('internal'); }) as Promise<unknown>;
    await expect(failure).rejects.toMatchObject({ extensions: { code: 'INTERNAL_SERVER_ERROR', error_id: 'e-1' } });
  });

  it("hands a field resolver's own error to the filter when GraphQL runs filters on fields", async () => {
    const { integration: gql, rethrown } = integration(true, { fieldResolverEnhancers: ['guards', 'filters'] });
    const handler = gql.handler(new Orders(), Orders, 'note');
    const error = new Error('internal');
    await expect(handler(new Orders(), [{}, {}, {}, info], () => Promise.reject(error))).rejects.toBe(error);
    expect(rethrown).toEqual([error]);
  });

  it("hands a thrown primitive on as the client's error, so the filter finds its capture", async () => {
    const { integration: gql, rethrown } = integration();
    const handler = gql.handler(new Orders(), Orders, 'order');
    const failure = handler(new Orders(), ['x', info], () => {
      throw 'plain string';
    }) as Promise<unknown>;
    await expect(failure).rejects.toMatchObject({ extensions: { error_id: 'e-1' } });
    expect(rethrown).toHaveLength(1);
    expect(rethrown[0]).toBeInstanceOf(Error);
  });

  it("hands an Observable back as an Observable: every emission reaches the app's interceptors; its error is captured", async () => {
    const { integration: gql, inputs } = integration();
    const handler = gql.handler(new Orders(), Orders, 'order');
    const values = handler(new Orders(), ['7', info], () => of('a', 'b'));
    expect(isObservable(values)).toBe(true);
    expect(await firstValueFrom((values as Observable<string>).pipe(toArray()))).toEqual(['a', 'b']);
    const error = new Error('stream broke');
    const failing = handler(new Orders(), ['7', info], () => throwError(() => error)) as Observable<unknown>;
    await expect(firstValueFrom(failing)).rejects.toBe(error);
    expect(inputs).toHaveLength(1);
  });
});
