import { graphqlSnapshot, readGraphqlOperation } from './graphql-operation.js';

const info = {
  fieldName: 'note',
  parentType: { name: 'Order' },
  path: { prev: { prev: { prev: undefined, key: 'orders' }, key: 2 }, key: 'note' },
  operation: { operation: 'query', name: { value: 'Orders' } },
  variableValues: { first: 3, password: 'hunter2' },
};

describe('readGraphqlOperation', () => {
  it('reads the field, operation type and name, path from the root and variables', () => {
    expect(readGraphqlOperation(info, 'X.y')).toEqual({
      field: 'Order.note',
      operationType: 'query',
      operationName: 'Orders',
      path: ['orders', 2, 'note'],
      variables: { first: 3, password: 'hunter2' },
    });
  });

  it('takes an anonymous operation as null and falls back to the metadata without info', () => {
    expect(readGraphqlOperation({ ...info, operation: { operation: 'mutation' } }, 'X.y')).toMatchObject({ operationType: 'mutation', operationName: null });
    expect(readGraphqlOperation(undefined, 'Query.order')).toEqual({ field: 'Query.order', operationType: null, operationName: null, path: [], variables: undefined });
  });

  it('survives an info whose every read throws', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('trap'); } });
    expect(readGraphqlOperation(hostile, 'Query.order').field).toBe('Query.order');
  });

  it('stops at a cyclic path', () => {
    const node: { key: string; prev?: unknown } = { key: 'a' };
    node.prev = node;
    expect(readGraphqlOperation({ ...info, path: node }, 'X.y').path).toHaveLength(50);
  });
});

describe('graphqlSnapshot', () => {
  it('stores the operation with its variables scrubbed, as a graphql row', () => {
    const snapshot = graphqlSnapshot(readGraphqlOperation(info, 'X.y'), { maxContextBytes: 16_384 });
    expect(snapshot).toMatchObject({ contextType: 'graphql', operation: 'Order.note', method: null, route: null });
    expect(snapshot.context).toEqual({ operationType: 'query', operationName: 'Orders', path: ['orders', 2, 'note'], variables: { first: 3, password: '[Filtered]' } });
  });
});
