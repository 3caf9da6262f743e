import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { GraphqlCalls, GraphqlFixtureModule } from './fixtures/graphql.module.js';
import { actionsOf, adapterName, flushed, onFastify, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** Apollo on Express, Mercurius on Fastify: the suite's adapter picks the GraphQL server. */
const driver = onFastify ? 'mercurius' : 'apollo';

interface GraphqlError {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}
interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: GraphqlError[];
}

const options = (service: string, extra: object = {}) => ({
  service,
  environment: 'production',
  adminToken: 't',
  database: testDatabase(),
  retry: { delayMs: 1, maxDelayMs: 5 },
  ...extra,
});

/** Nothing internal in what the client got: no frame, no internal message, no address. */
function expectNoInternals(body: GraphqlBody, ...internals: string[]): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\s+at\s|\.ts:\d|node_modules/);
  for (const internal of internals) expect(text).not.toContain(internal);
}

const ask = async (app: INestApplication, query: string, variables?: Record<string, unknown>, operationName?: string): Promise<GraphqlBody> => {
  const res = await request(app.getHttpServer()).post('/graphql').send({ query, variables, operationName });
  return res.body as GraphqlBody;
};

/** The answer without Apollo's stack (sent outside production), which differs by call path only. */
const withoutStack = (body: GraphqlBody): GraphqlBody => ({
  ...body,
  errors: body.errors?.map((error) => {
    const extensions = { ...error.extensions };
    delete extensions.stacktrace;
    return { ...error, extensions };
  }),
});

/** The same resolvers in an app without the module: what plain Nest and the driver answer. */
let plain: INestApplication;
beforeAll(async () => {
  plain = await startApp([GraphqlFixtureModule.plain(driver)]);
});
afterAll(async () => {
  await plain.close();
});

describe(`GraphQL resolvers (${driver} on ${adapterName})`, () => {
  let app: INestApplication;
  const service = uniqueService('gql');

  beforeAll(async () => {
    app = await startApp([GraphqlFixtureModule.forRoot(options(service), driver)]);
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (query: string, variables?: Record<string, unknown>, operationName?: string): Promise<GraphqlBody> => ask(app, query, variables, operationName);
  const rowById = async (id: unknown): Promise<Record<string, unknown>> => {
    await flushed(app);
    const row = (await rowsOf(service)).find((r) => r.id === id);
    expect(row).toBeDefined();
    return row!;
  };

  it('answers as usual when nothing fails, and stores nothing', async () => {
    const before = (await rowsOf(service)).length;
    expect(await post('{ ping order(id: 1) { id status } }')).toEqual({ data: { ping: 'pong', order: { id: 1, status: 'paid' } } });
    await flushed(app);
    expect(await rowsOf(service)).toHaveLength(before);
  });

  it('retries a query whose resolver fails twice with a transient error: data, one row recovered by retry', async () => {
    const body = await post('query Ledger($key: String!) { flaky(key: $key) }', { key: 'k1' }, 'Ledger');
    expect(body).toEqual({ data: { flaky: 'ok:k1' } });
    expect(app.get(GraphqlCalls).counts.get('flaky:k1')).toBe(3);
    await flushed(app);
    const rows = (await rowsOf(service)).filter((r) => r.operation === 'Query.flaky');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ context_type: 'graphql', recovery_attempted: true, recovery_success: true, recovery_strategy: 'retry' });
    expect(rows[0].context).toEqual({ operationType: 'query', operationName: 'Ledger', path: ['flaky'], variables: { key: 'k1' } });
    const actions = await actionsOf(String(rows[0].id));
    expect(actions.map((a) => [a.strategy, a.success])).toEqual([
      ['retry', false],
      ['retry', true],
    ]);
  });

  it('does not replay a failing mutation; errors[] carries the code and the row id, no internals; variables scrubbed', async () => {
    const body = await post('mutation Place($item: String!, $password: String!) { placeOrder(item: $item, password: $password) { id } }', { item: 'm1', password: 'hunter2' });
    expect(app.get(GraphqlCalls).counts.get('placeOrder:m1')).toBe(1);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error).toMatchObject({ message: 'A required service could not be reached. Please try again shortly.', path: ['placeOrder'], locations: [{ line: 1, column: expect.any(Number) }] });
    expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', error_id: expect.any(String) });
    // Apollo sends a stack outside production (jest runs with NODE_ENV=test): only the safe message's line.
    if (error.extensions!.stacktrace !== undefined) expect(error.extensions!.stacktrace).toEqual([`Error: ${error.message}`]);
    expectNoInternals(body, '10.0.0.5', 'payments db', 'hunter2');
    const row = await rowById(error.extensions!.error_id);
    expect(row).toMatchObject({ context_type: 'graphql', operation: 'Mutation.placeOrder', recovery_success: false });
    // Captured by the resolver's wrapper, answered by the filter: stored once.
    expect((await rowsOf(service)).filter((r) => r.operation === 'Mutation.placeOrder')).toHaveLength(1);
    expect(row.context).toEqual({ operationType: 'mutation', operationName: 'Place', path: ['placeOrder'], variables: { item: 'm1', password: '[Filtered]' } });
    expect(JSON.stringify(row)).not.toContain('hunter2');
    const actions = await actionsOf(String(row.id));
    expect(actions.find((a) => a.strategy === 'retry')).toMatchObject({ skipped: true, message: 'not replay-safe' });
  });

  it('replays a mutation that opted in with @AiErrorHandler({ replaySafe: true })', async () => {
    expect(await post('mutation { touch(key: "t1") }')).toEqual({ data: { touch: 'touched:t1' } });
    expect(app.get(GraphqlCalls).counts.get('touch:t1')).toBe(2);
  });

  it("keeps the other fields when one field fails (partial result), the field's error with its own id", async () => {
    const body = await post('query Partial { ping order(id: 7) { id status note } }', undefined, 'Partial');
    expect(body.data).toEqual({ ping: 'pong', order: { id: 7, status: 'paid', note: null } });
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error).toMatchObject({ message: 'An unexpected error occurred. Please try again later.', path: ['order', 'note'] });
    expect(error.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', error_id: expect.any(String) });
    expectNoInternals(body, 'ledger.internal', 'Cannot read properties');
    const row = await rowById(error.extensions!.error_id);
    expect(row).toMatchObject({ context_type: 'graphql', operation: 'Order.note' });
    expect(row.context).toEqual({ operationType: 'query', operationName: 'Partial', path: ['order', 'note'], variables: {} });
  });

  it("serves a resolver's own fallback", async () => {
    expect(await post('{ quote }')).toEqual({ data: { quote: 'cached-quote' } });
  });

  it('stores nothing for a resolver that declines capture, whose error goes on as plain Nest lets it', async () => {
    const body = await post('{ ping uncaptured }');
    expect(body.data).toEqual({ ping: 'pong', uncaptured: null });
    expect(body.errors![0]).toMatchObject({ message: 'left to the app', path: ['uncaptured'] });
    expect(body.errors![0].extensions?.error_id).toBeUndefined();
    await flushed(app);
    expect((await rowsOf(service)).filter((r) => r.operation === 'Query.uncaptured')).toEqual([]);
  });

  it('captures a guard error in the filter, answered with its id', async () => {
    const body = await post('{ ping secured }');
    expect(body.data).toEqual({ ping: 'pong', secured: null });
    const [error] = body.errors!;
    expect(error).toMatchObject({ path: ['secured'], extensions: { code: 'INTERNAL_SERVER_ERROR', error_id: expect.any(String) } });
    expectNoInternals(body, 'redis://', 'session store');
    const row = await rowById(error.extensions!.error_id);
    expect(row).toMatchObject({ context_type: 'graphql', operation: 'Query.secured', recovery_success: false });
    expect((await rowsOf(service)).filter((r) => r.operation === 'Query.secured')).toHaveLength(1);
    expect(row.context).toMatchObject({ operationType: 'query', path: ['secured'] });
  });

  it('answers client errors (4xx, GraphQL validation) exactly as plain Nest does, storing nothing', async () => {
    const before = (await rowsOf(service)).length;
    for (const query of ['{ missing }', '{ invalid }', '{ nope }']) {
      const body = await post(query);
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0].extensions?.error_id).toBeUndefined();
      expect(withoutStack(body)).toEqual(withoutStack(await ask(plain, query)));
    }
    await flushed(app);
    expect(await rowsOf(service)).toHaveLength(before);
  });
});

describe(`GraphQL with contexts.graphql: false (${driver} on ${adapterName})`, () => {
  let app: INestApplication;
  const service = uniqueService('gql-off');

  beforeAll(async () => {
    app = await startApp([GraphqlFixtureModule.forRoot(options(service, { contexts: { graphql: false } }), driver)]);
  });
  afterAll(async () => {
    await app.close();
  });

  it('leaves GraphQL to plain Nest: no retry, no row, every error as plain Nest answers it', async () => {
    for (const query of ['{ flaky(key: "off") }', '{ ping secured }', '{ order(id: 3) { id note } }', 'mutation { placeOrder(item: "off", password: "p") { id } }']) {
      const body = await ask(app, query);
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0].extensions?.error_id).toBeUndefined();
      expect(withoutStack(body)).toEqual(withoutStack(await ask(plain, query)));
    }
    expect(app.get(GraphqlCalls).counts.get('flaky:off')).toBe(1);
    await flushed(app);
    expect(await rowsOf(service)).toEqual([]);
  });
});

describe(`GraphQL with exception filters on field resolvers (${driver} on ${adapterName})`, () => {
  let app: INestApplication;
  const service = uniqueService('gql-fields');

  beforeAll(async () => {
    app = await startApp([GraphqlFixtureModule.forRoot(options(service), driver, true)]);
  });
  afterAll(async () => {
    await app.close();
  });

  it("hands a field's error to the filter, which answers it under the row's id: stored once, other fields kept", async () => {
    const body = await ask(app, '{ order(id: 9) { id note } }');
    expect(body.data).toEqual({ order: { id: 9, note: null } });
    const [error] = body.errors!;
    expect(error).toMatchObject({ message: 'An unexpected error occurred. Please try again later.', path: ['order', 'note'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expectNoInternals(body, 'ledger.internal');
    await flushed(app);
    const rows = await rowsOf(service);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: error.extensions!.error_id, context_type: 'graphql', operation: 'Order.note' });
  });
});

describe(`GraphQL with the module imported with global: false (${driver} on ${adapterName})`, () => {
  let app: INestApplication;
  const service = uniqueService('gql-marked');

  beforeAll(async () => {
    app = await startApp([GraphqlFixtureModule.forRoot({ ...options(service), global: false }, driver)]);
  });
  afterAll(async () => {
    await app.close();
  });

  it('covers only resolvers marked with @AiErrorHandler(); the others answer as plain Nest', async () => {
    expect(await ask(app, '{ quote }')).toEqual({ data: { quote: 'cached-quote' } });
    expect(await ask(app, 'mutation { touch(key: "g1") }')).toEqual({ data: { touch: 'touched:g1' } });
    const unmarked = '{ flaky(key: "g1") }';
    const body = await ask(app, unmarked);
    expect(body.errors![0].extensions?.error_id).toBeUndefined();
    expect(withoutStack(body)).toEqual(withoutStack(await ask(plain, unmarked)));
    await flushed(app);
    expect((await rowsOf(service)).map((r) => r.operation).sort()).toEqual(['Mutation.touch', 'Query.quote']);
  });
});
