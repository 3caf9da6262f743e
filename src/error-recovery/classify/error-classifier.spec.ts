import assert from 'node:assert';
import { readFileSync } from 'node:fs';
import {
  BadGatewayException, BadRequestException, ConflictException, ForbiddenException, GatewayTimeoutException,
  HttpException, InternalServerErrorException, NotFoundException, NotImplementedException,
  PayloadTooLargeException, RequestTimeoutException, ServiceUnavailableException, UnauthorizedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { IsEmail, IsNotEmpty, ValidationError as ClassValidatorError, validateSync } from 'class-validator';
import { DatabaseError as PgDatabaseError } from 'pg';
import { firstValueFrom, NEVER, timeout, TimeoutError as RxTimeoutError } from 'rxjs';
import { EntityNotFoundError, QueryFailedError } from 'typeorm';
import type { Classification, ErrorCategory, Severity } from './classification.interface.js';
import { classifyError } from './error-classifier.js';

type Expected = [errorType: string, category: ErrorCategory, severity: Severity, httpStatus: number, transient: boolean];

const PROD = { environment: 'production' };

function withCode(message: string, code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

function pgError(message: string, code: string): PgDatabaseError {
  return Object.assign(new PgDatabaseError(message, 100, 'error'), { code, severity: 'ERROR', routine: 'exec' });
}

function queryFailed(code: string): QueryFailedError {
  return new QueryFailedError('SELECT * FROM users WHERE id = $1', [1], pgError(`failure ${code}`, code));
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

class SignupDto {
  @IsEmail()
  email = 'not-an-email';

  @IsNotEmpty()
  name = '';
}

class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
}

const rxTimeout = await firstValueFrom(NEVER.pipe(timeout(1))).catch((error: unknown) => error);

const rows: ReadonlyArray<[string, () => unknown, Expected]> = [
  // database
  ['TypeORM QueryFailedError 42P01', () => queryFailed('42P01'), ['DatabaseError', 'database', 'critical', 500, false]],
  ['TypeORM QueryFailedError 23505', () => queryFailed('23505'), ['DatabaseError', 'database', 'critical', 500, false]],
  ['QueryFailedError 40001 serialization', () => queryFailed('40001'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['QueryFailedError 40P01 deadlock', () => queryFailed('40P01'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['QueryFailedError 57P01', () => queryFailed('57P01'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['QueryFailedError 57P02', () => queryFailed('57P02'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['QueryFailedError 57P03', () => queryFailed('57P03'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['QueryFailedError 08000', () => queryFailed('08000'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['QueryFailedError 08001', () => queryFailed('08001'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['QueryFailedError 08003', () => queryFailed('08003'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['QueryFailedError 08004', () => queryFailed('08004'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['QueryFailedError 08006', () => queryFailed('08006'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['pg DatabaseError 53300', () => pgError('sorry, too many clients already', '53300'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['pg DatabaseError 42703', () => pgError('column "x" does not exist', '42703'), ['DatabaseError', 'database', 'critical', 500, false]],
  ['pg-shaped plain error', () => withCode('boom', '22P02', { severity: 'ERROR' }), ['DatabaseError', 'database', 'critical', 500, false]],
  ['error named DatabaseError', () => Object.assign(new Error('x'), { name: 'DatabaseError' }), ['DatabaseError', 'database', 'critical', 500, false]],
  ['pool connect timeout', () => new Error('timeout exceeded when trying to connect'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['connection terminated', () => new Error('Connection terminated unexpectedly'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['too many clients', () => new Error('sorry, too many clients already'), ['DatabaseError', 'database', 'critical', 500, true]],
  ['EntityNotFoundError', () => new EntityNotFoundError('User', { id: 1 }), ['LookupError', 'database', 'medium', 500, false]],
  // timeouts
  ['rxjs TimeoutError (operator)', () => rxTimeout, ['TimeoutError', 'timeout', 'high', 503, true]],
  ['rxjs TimeoutError (constructed)', () => new RxTimeoutError(), ['TimeoutError', 'timeout', 'high', 503, true]],
  ['RequestTimeoutException', () => new RequestTimeoutException(), ['TimeoutError', 'timeout', 'high', 408, true]],
  ['GatewayTimeoutException', () => new GatewayTimeoutException(), ['TimeoutError', 'timeout', 'high', 504, true]],
  ['ETIMEDOUT', () => withCode('connect ETIMEDOUT', 'ETIMEDOUT'), ['TimeoutError', 'timeout', 'high', 503, true]],
  ['ESOCKETTIMEDOUT', () => withCode('socket', 'ESOCKETTIMEDOUT'), ['TimeoutError', 'timeout', 'high', 503, true]],
  ['UND_ERR_CONNECT_TIMEOUT in fetch cause', () => new TypeError('fetch failed', { cause: withCode('x', 'UND_ERR_CONNECT_TIMEOUT') }), ['TimeoutError', 'timeout', 'high', 503, true]],
  ['UND_ERR_HEADERS_TIMEOUT', () => withCode('x', 'UND_ERR_HEADERS_TIMEOUT'), ['TimeoutError', 'timeout', 'high', 503, true]],
  ['DOMException TimeoutError', () => new DOMException('The operation timed out.', 'TimeoutError'), ['TimeoutError', 'timeout', 'high', 503, true]],
  ['AbortError mentioning timeout', () => new DOMException('aborted due to timeout', 'AbortError'), ['TimeoutError', 'timeout', 'high', 503, true]],
  ['AbortError caused by TimeoutError', () => Object.assign(new Error('aborted'), { name: 'AbortError', cause: new DOMException('x', 'TimeoutError') }), ['TimeoutError', 'timeout', 'high', 503, true]],
  ['AbortError without timeout', () => new DOMException('user cancelled', 'AbortError'), ['AbortError', 'runtime', 'low', 500, false]],
  ['axios timeout (ECONNABORTED)', () => withCode('timeout of 1000ms exceeded', 'ECONNABORTED', { isAxiosError: true }), ['TimeoutError', 'timeout', 'high', 503, true]],
  // connection
  ...['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET'].map(
    (code): [string, () => unknown, Expected] => [code, () => withCode(`${code} 127.0.0.1:5432`, code), ['ConnectionError', 'network', 'high', 503, true]],
  ),
  ['plain object with ECONNRESET', () => ({ code: 'ECONNRESET' }), ['ConnectionError', 'network', 'high', 503, true]],
  ['ECONNREFUSED one cause deep', () => new TypeError('fetch failed', { cause: withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED') }), ['ConnectionError', 'network', 'high', 503, true]],
  ['ECONNRESET two causes deep', () => new Error('a', { cause: new Error('b', { cause: withCode('c', 'ECONNRESET') }) }), ['ConnectionError', 'network', 'high', 503, true]],
  ['ECONNRESET three causes deep is too deep', () => new Error('a', { cause: new Error('b', { cause: new Error('c', { cause: withCode('d', 'ECONNRESET') }) }) }), ['Error', 'runtime', 'low', 500, false]],
  // memory
  ['heap out of memory', () => new Error('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'), ['MemoryError', 'memory', 'critical', 500, false]],
  ['real ArrayBuffer allocation failure', () => thrown(() => new ArrayBuffer(Number.MAX_SAFE_INTEGER)), ['MemoryError', 'memory', 'critical', 500, false]],
  ['real invalid array length', () => thrown(() => new Array(-1)), ['MemoryError', 'memory', 'critical', 500, false]],
  ['real invalid string length', () => thrown(() => 'x'.repeat(2 ** 30)), ['MemoryError', 'memory', 'critical', 500, false]],
  ['cannot create a string longer', () => new Error('Cannot create a string longer than 0x1fffffe8 characters'), ['MemoryError', 'memory', 'critical', 500, false]],
  ['ERR_OUT_OF_MEMORY', () => withCode('x', 'ERR_OUT_OF_MEMORY'), ['MemoryError', 'memory', 'critical', 500, false]],
  // validation
  ['BadRequestException', () => new BadRequestException('bad'), ['ValidationError', 'validation', 'medium', 400, false]],
  ['class-validator ValidationError', () => validateSync(new SignupDto())[0], ['ValidationError', 'validation', 'medium', 400, false]],
  ['array of class-validator errors', () => validateSync(new SignupDto()), ['ValidationError', 'validation', 'medium', 400, false]],
  ['constructed class-validator error', () => Object.assign(new ClassValidatorError(), { property: 'a', constraints: { x: 'y' } }), ['ValidationError', 'validation', 'medium', 400, false]],
  ['error named ValidationError', () => Object.assign(new Error('invalid'), { name: 'ValidationError' }), ['ValidationError', 'validation', 'medium', 400, false]],
  // incoming HTTP
  ['UnauthorizedException', () => new UnauthorizedException(), ['AuthenticationError', 'auth', 'low', 401, false]],
  ['ForbiddenException', () => new ForbiddenException(), ['AuthenticationError', 'auth', 'low', 403, false]],
  ['HttpException 429', () => new HttpException('slow down', 429), ['RateLimitError', 'http', 'low', 429, true]],
  ['HttpException 429 quota', () => new HttpException('daily quota exceeded', 429), ['RateLimitError', 'http', 'low', 429, false]],
  ['ServiceUnavailableException', () => new ServiceUnavailableException(), ['ServiceUnavailableError', 'upstream', 'high', 503, true]],
  ['NotFoundException', () => new NotFoundException(), ['NotFoundError', 'http', 'low', 404, false]],
  ['BadGatewayException', () => new BadGatewayException(), ['APIError', 'upstream', 'low', 502, true]],
  ['ConflictException', () => new ConflictException(), ['HttpError', 'http', 'low', 409, false]],
  ['UnprocessableEntityException', () => new UnprocessableEntityException(), ['HttpError', 'http', 'low', 422, false]],
  ['InternalServerErrorException', () => new InternalServerErrorException(), ['HttpError', 'http', 'low', 500, false]],
  ['NotImplementedException', () => new NotImplementedException(), ['HttpError', 'http', 'low', 501, false]],
  ['PayloadTooLargeException with a DB cause keeps its meaning', () => new PayloadTooLargeException('big', { cause: withCode('x', 'ECONNRESET') }), ['HttpError', 'http', 'low', 413, false]],
  ['http-errors 400', () => Object.assign(new Error('invalid json'), { expose: true, statusCode: 400, status: 400 }), ['ValidationError', 'validation', 'medium', 400, false]],
  ['http-errors 413', () => Object.assign(new Error('request entity too large'), { expose: true, statusCode: 413, status: 413 }), ['HttpError', 'http', 'low', 413, false]],
  ['http-errors 401', () => Object.assign(new Error('no'), { expose: true, statusCode: 401, status: 401 }), ['AuthenticationError', 'auth', 'low', 401, false]],
  // outbound HTTP
  ['axios 500', () => Object.assign(new Error('Request failed with status code 500'), { isAxiosError: true, response: { status: 500, headers: {} } }), ['APIError', 'upstream', 'low', 502, false]],
  ['axios 404', () => Object.assign(new Error('Request failed'), { isAxiosError: true, response: { status: 404 } }), ['APIError', 'upstream', 'low', 502, false]],
  ['axios 503', () => Object.assign(new Error('Request failed'), { isAxiosError: true, response: { status: 503 } }), ['ServiceUnavailableError', 'upstream', 'high', 503, true]],
  ['axios 502', () => Object.assign(new Error('Request failed'), { isAxiosError: true, response: { status: 502 } }), ['APIError', 'upstream', 'low', 502, true]],
  ['axios 429', () => Object.assign(new Error('Request failed'), { isAxiosError: true, response: { status: 429 } }), ['APIError', 'upstream', 'low', 502, true]],
  ['axios 429 quota', () => Object.assign(new Error('monthly quota exhausted'), { isAxiosError: true, response: { status: 429 } }), ['APIError', 'upstream', 'low', 502, false]],
  ['got 504 (response.statusCode)', () => Object.assign(new Error('Response code 504'), { response: { statusCode: 504 } }), ['APIError', 'upstream', 'low', 502, true]],
  ['upstream 408 (statusCode)', () => Object.assign(new Error('x'), { statusCode: 408 }), ['APIError', 'upstream', 'low', 502, true]],
  ['plain object status 404', () => ({ status: 404 }), ['APIError', 'upstream', 'low', 502, false]],
  ['axios without response', () => Object.assign(new Error('Network Error'), { isAxiosError: true, code: 'ERR_NETWORK' }), ['APIError', 'upstream', 'low', 502, false]],
  // assertion
  ['node:assert AssertionError', () => thrown(() => assert.strictEqual(1, 2)), ['AssertionError', 'assertion', 'critical', 500, false]],
  ['ERR_ASSERTION code', () => withCode('x', 'ERR_ASSERTION'), ['AssertionError', 'assertion', 'critical', 500, false]],
  // system and I/O
  ['real ENOENT', () => thrown(() => readFileSync('/nonexistent/file')), ['IOError', 'io', 'high', 503, false]],
  ['real EISDIR', () => thrown(() => readFileSync('/')), ['IOError', 'io', 'high', 503, false]],
  ...['ENOTDIR', 'EEXIST', 'EIO', 'EROFS', 'EBUSY'].map(
    (code): [string, () => unknown, Expected] => [code, () => withCode(code, code, { syscall: 'open', errno: -1 }), ['IOError', 'io', 'high', 503, false]],
  ),
  ...['ENOSPC', 'EMFILE', 'ENFILE', 'EACCES', 'EPERM'].map(
    (code): [string, () => unknown, Expected] => [code, () => withCode(code, code, { syscall: 'open', errno: -1 }), ['SystemError', 'system', 'critical', 500, false]],
  ),
  ['other syscall error', () => withCode('listen EADDRINUSE', 'EADDRINUSE', { syscall: 'listen', errno: -98 }), ['SystemError', 'system', 'critical', 500, false]],
  // runtime
  ['real TypeError', () => thrown(() => (null as unknown as { x: number }).x), ['TypeError', 'runtime', 'medium', 500, false]],
  ['real RangeError', () => thrown(() => (1).toFixed(500)), ['RangeError', 'runtime', 'medium', 500, false]],
  ['real ReferenceError', () => new ReferenceError('x is not defined'), ['ReferenceError', 'runtime', 'medium', 500, false]],
  ['real SyntaxError', () => thrown(() => JSON.parse('{')), ['SyntaxError', 'runtime', 'medium', 500, false]],
  ['EvalError', () => new EvalError('x'), ['EvalError', 'runtime', 'medium', 500, false]],
  ['real URIError', () => thrown(() => decodeURIComponent('%')), ['URIError', 'runtime', 'medium', 500, false]],
  ['plain Error', () => new Error('boom'), ['Error', 'runtime', 'low', 500, false]],
  ['custom subclass', () => new PaymentDeclinedError('declined'), ['PaymentDeclinedError', 'runtime', 'low', 500, false]],
  ['custom name "constructor"', () => Object.assign(new Error('x'), { name: 'constructor' }), ['constructor', 'runtime', 'low', 500, false]],
  ['custom name "toString"', () => Object.assign(new Error('x'), { name: 'toString' }), ['toString', 'runtime', 'low', 500, false]],
  ['unsafe custom name', () => Object.assign(new Error('x'), { name: 'Bad <script> name' }), ['Error', 'runtime', 'low', 500, false]],
  // not errors
  ['string', () => 'boom', ['UnknownError', 'unknown', 'low', 500, false]],
  ['number', () => 42, ['UnknownError', 'unknown', 'low', 500, false]],
  ['null', () => null, ['UnknownError', 'unknown', 'low', 500, false]],
  ['undefined', () => undefined, ['UnknownError', 'unknown', 'low', 500, false]],
  ['plain object', () => ({ reason: 'nope' }), ['UnknownError', 'unknown', 'low', 500, false]],
  ['symbol', () => Symbol('s'), ['UnknownError', 'unknown', 'low', 500, false]],
];

describe('classifyError', () => {
  it.each(rows)('%s', (_label, make, [errorType, category, severity, httpStatus, transient]) => {
    const result = classifyError(make(), PROD);
    expect(pick(result)).toEqual({ errorType, category, severity, httpStatus, transient });
    expect(result.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof result.userMessage).toBe('string');
  });
});

function pick(c: Classification): Pick<Classification, 'errorType' | 'category' | 'severity' | 'httpStatus' | 'transient'> {
  return { errorType: c.errorType, category: c.category, severity: c.severity, httpStatus: c.httpStatus, transient: c.transient };
}
