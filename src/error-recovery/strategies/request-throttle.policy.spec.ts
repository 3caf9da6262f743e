import { BadRequestException, ForbiddenException, HttpException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { classifyError } from '../classify/error-classifier.js';
import { BulkheadRejectedError } from '../errors/bulkhead-full.error.js';
import { decideThrottle, throttleFacts, type ThrottleDecision } from './request-throttle.policy.js';

const decide = (error: unknown, scope: 'route' | 'client' = 'route'): ThrottleDecision =>
  decideThrottle(throttleFacts(error, classifyError(error, { environment: 'production' })), scope);

const upstream = (status: number) => Object.assign(new Error(`upstream answered ${status}`), { response: { status } });
const pgPoolTimeout = () => new Error('timeout exceeded when trying to connect');
const tooManyClients = () => Object.assign(new Error('sorry, too many clients already'), { code: '53300', severity: 'FATAL', routine: 'proc_exit' });

describe('decideThrottle', () => {
  it.each<[string, unknown, 'route' | 'client', string]>([
    ['a downstream 429', upstream(429), 'route', 'downstream answered 429'],
    ['a downstream 503', upstream(503), 'route', 'downstream answered 503'],
    ['an exhausted database pool', pgPoolTimeout(), 'route', 'database pool exhausted'],
    ['a database out of connections', tooManyClients(), 'route', 'database out of connections'],
    ['a full bulkhead', new BulkheadRejectedError('GET /x', 5), 'route', 'bulkhead full'],
    ['a 503 the app sheds load with', new ServiceUnavailableException('busy'), 'route', 'the app answered 503 (load shedding)'],
    ['bad input (400)', new BadRequestException('no'), 'client', 'client error 400'],
    ['bad credentials (401)', new UnauthorizedException(), 'client', 'client error 401'],
    ['a forbidden call (403)', new ForbiddenException(), 'client', 'client error 403'],
    ["the app's own 429 to a client", new HttpException('slow down', 429), 'client', 'client error 429'],
  ])('throttles for %s', (_what, error, scope, signal) => {
    expect(decide(error)).toEqual({ throttle: true, scope, signal });
  });

  it('limits each client apart on an overload signal when the scope says so', () => {
    expect(decide(upstream(503), 'client')).toEqual({ throttle: true, scope: 'client', signal: 'downstream answered 503' });
  });

  it('never limits the whole route for a client error, whatever the configured scope', () => {
    expect(decide(new ForbiddenException(), 'route')).toMatchObject({ scope: 'client' });
  });

  it.each<[string, unknown]>([
    ['a TypeError in a handler', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a RangeError', new RangeError('Invalid array length')],
    ['an Error of the app', new Error('invariant broken')],
    ['a 500 the app raises', new HttpException('oops', 500)],
    ['a downstream 500', upstream(500)],
    ['a connection reset (a failing, not an overloaded, dependency)', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a database error that is not about connections', Object.assign(new Error('relation "x" does not exist'), { code: '42P01', severity: 'ERROR', routine: 'parserOpenTable' })],
    ['a thrown string', 'boom'],
  ])('never throttles for %s', (_what, error) => {
    const decision = decide(error);
    expect(decision.throttle).toBe(false);
    expect(decision).toMatchObject({ reason: expect.stringMatching(/^not an overload signal \(.+\): throttling would refuse good requests/) });
  });

  it('decides on the classification alone for a hostile value', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); } });
    const facts = throttleFacts(hostile, { errorType: 'UnknownError', httpStatus: 500, message: '' });
    expect(decideThrottle(facts, 'route')).toMatchObject({ throttle: false });
  });
});
