import { randomUUID } from 'node:crypto';
import {
  BadRequestException, HttpException, InternalServerErrorException, NotFoundException, ServiceUnavailableException,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import type { Severity } from './classification.interface.js';
import { adjustSeverity, classifyError, lowerSeverity } from './error-classifier.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });
const dbError = (): QueryFailedError =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error('relation "users" does not exist'), { code: '42P01', severity: 'ERROR' }));

describe('classifyError environment adjustment', () => {
  it.each<[string, () => unknown, Severity, Severity, number]>([
    ['DatabaseError', dbError, 'critical', 'high', 500],
    ['TimeoutError', () => withCode('t', 'ETIMEDOUT'), 'high', 'medium', 503],
    ['TypeError', () => new TypeError('x'), 'medium', 'low', 500],
    ['Error', () => new Error('x'), 'low', 'low', 500],
  ])('%s: table severity in production, one level lower in development, same status', (_t, make, prod, dev, status) => {
    const production = classifyError(make(), { environment: 'production' });
    const development = classifyError(make(), { environment: 'development' });
    expect([production.severity, development.severity]).toEqual([prod, dev]);
    expect([production.httpStatus, development.httpStatus]).toEqual([status, status]);
    expect(development.retryAfterSeconds).toBe(production.retryAfterSeconds);
  });

  it.each<[string, Severity]>([
    ['production', 'critical'],
    ['staging', 'critical'],
    ['test', 'critical'],
    ['', 'critical'],
    ['development', 'high'],
    ['Development', 'high'],
    ['DEV', 'high'],
    ['dev', 'high'],
    ['local', 'high'],
  ])('environment %p gives a DatabaseError severity %s', (environment, severity) => {
    expect(classifyError(dbError(), { environment }).severity).toBe(severity);
  });

  it.each<[Severity, Severity, Severity]>([
    ['critical', 'high', 'critical'],
    ['high', 'medium', 'high'],
    ['medium', 'low', 'medium'],
    ['low', 'low', 'low'],
  ])('adjustSeverity/lowerSeverity(%s): development %s, production %s', (input, dev, prod) => {
    expect(adjustSeverity(input, 'development')).toBe(dev);
    expect(adjustSeverity(input, 'production')).toBe(prod);
    expect(lowerSeverity(input, 'local')).toBe(dev);
    expect(lowerSeverity(input, 'staging')).toBe(prod);
  });
});

describe('classifyError severity overrides', () => {
  it('replaces the table value, drives the status, then the environment lowers it', () => {
    const overrides = { TypeError: 'high' as const, Error: 'critical' as const };
    const typeError = classifyError(new TypeError('x'), { environment: 'production', severityOverrides: overrides });
    expect([typeError.severity, typeError.httpStatus, typeError.retryAfterSeconds]).toEqual(['high', 503, undefined]);
    const plain = classifyError(new Error('x'), { environment: 'development', severityOverrides: overrides });
    expect([plain.severity, plain.httpStatus]).toEqual(['high', 500]);
  });
});

// Only what the error itself states; the response layer adds a default for 503 answers.
describe('classifyError retryAfterSeconds', () => {
  const upstream503 = (headers: unknown): Error =>
    Object.assign(new Error('Request failed'), { isAxiosError: true, response: { status: 503, headers } });

  it.each<[string, () => unknown, number | undefined]>([
    ['ServiceUnavailableException without a hint', () => new ServiceUnavailableException(), undefined],
    ['high-severity timeout', () => withCode('t', 'ETIMEDOUT'), undefined],
    ['critical DatabaseError', dbError, undefined],
    ['HttpException body retryAfter', () => new HttpException({ message: 'slow', retryAfter: 30 }, 429), 30],
    ['error.retryAfter', () => Object.assign(new ServiceUnavailableException(), { retryAfter: 7 }), 7],
    ['error.headers', () => Object.assign(new Error('x'), { status: 429, headers: { 'retry-after': '12' } }), 12],
    ['response.headers seconds', () => upstream503({ 'retry-after': '120' }), 120],
    ['response.headers Headers instance', () => upstream503(new Headers({ 'Retry-After': '9' })), 9],
    ['response.headers HTTP date', () => upstream503({ 'retry-after': new Date(Date.now() + 60_000).toUTCString() }), 60],
    ['clamped to 3600', () => upstream503({ 'retry-after': '99999' }), 3600],
    ['past date clamped to 0', () => upstream503({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), 0],
    ['garbage is ignored', () => upstream503({ 'retry-after': 'soon' }), undefined],
  ])('%s → %p', (_label, make, expected) => {
    const seconds = classifyError(make(), { environment: 'production' }).retryAfterSeconds;
    if (expected === 60 && seconds !== undefined) expect(Math.abs(seconds - 60)).toBeLessThanOrEqual(1);
    else expect(seconds).toBe(expected);
  });
});

describe('classifyError userMessage', () => {
  const env = { environment: 'production' };
  it.each<[string, () => unknown, string]>([
    ['ValidationPipe messages', () => new BadRequestException({ message: ['email must be an email', 'name should not be empty'], error: 'Bad Request', statusCode: 400 }), 'email must be an email; name should not be empty'],
    ['4xx string response', () => new BadRequestException('Email already taken'), 'Email already taken'],
    ['default Nest 404', () => new NotFoundException(), 'Not Found'],
    ['exposed http-errors', () => Object.assign(new Error('request entity too large'), { expose: true, status: 413, statusCode: 413 }), 'request entity too large'],
    ['5xx never passes through', () => new InternalServerErrorException('pg password=hunter2 at 10.0.0.1'), 'The request could not be processed.'],
    ['database internals hidden', dbError, 'A temporary data storage problem occurred. Please try again shortly.'],
    ['unknown type gets the default', () => new Error('x'), 'An unexpected error occurred. Please try again later.'],
  ])('%s', (_label, make, expected) => {
    expect(classifyError(make(), env).userMessage).toBe(expected);
  });

  it('caps a passed-through message at 500 characters', () => {
    expect(classifyError(new BadRequestException('x'.repeat(5000)), env).userMessage).toHaveLength(500);
  });
});

describe('classifyError fingerprint', () => {
  const env = { environment: 'production', appRoot: process.cwd() };
  const failLookup = (id: string, email: string, n: number): Error => new Error(`user ${id} (${email}) failed after ${n} attempts`);

  it('is the same for the same bug with different ids, e-mails and numbers', () => {
    const a = classifyError(failLookup(randomUUID(), 'a@example.com', 3), env);
    const b = classifyError(failLookup(randomUUID(), 'someone.else@test.org', 17), env);
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  it('differs between error types with the same message', () => {
    const a = classifyError(new TypeError('same'), env);
    const b = classifyError(new RangeError('same'), env);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });
});
