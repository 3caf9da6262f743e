import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { isReplaySafe, shouldCaptureError } from './capture-policy.js';

describe('shouldCaptureError', () => {
  it.each<[string, unknown, boolean]>([
    ['a plain Error', new Error('x'), true],
    ['a thrown string', 'oops', true],
    ['an outbound HTTP error with a 404 status', Object.assign(new Error('upstream'), { status: 404 }), true],
    ['a 5xx HttpException', new ServiceUnavailableException(), true],
    ['401', new UnauthorizedException(), true],
    ['403', new ForbiddenException(), true],
    ['429', new HttpException('slow down', 429), true],
    ['400', new BadRequestException(), false],
    ['404', new NotFoundException(), false],
    ['an http-errors 413', Object.assign(new Error('too large'), { expose: true, status: 413, statusCode: 413 }), false],
  ])('%s → %p', (_label, error, captured) => {
    expect(shouldCaptureError(error, [])).toBe(captured);
  });

  it('adds the configured statuses', () => {
    expect(shouldCaptureError(new NotFoundException(), [404])).toBe(true);
  });
});

describe('isReplaySafe', () => {
  it.each<[string, Record<string, unknown>, boolean | undefined, boolean]>([
    ['GET', {}, undefined, true],
    ['head', {}, undefined, true],
    ['PUT', {}, undefined, true],
    ['DELETE', {}, undefined, true],
    ['POST', {}, undefined, false],
    ['PATCH', {}, undefined, false],
    ['POST', { 'idempotency-key': 'k' }, undefined, true],
    ['POST', { 'idempotency-key': '' }, undefined, false],
    ['POST', {}, true, true],
    ['GET', {}, false, false],
  ])('%s %j route opt-in %p → %p', (method, headers, optIn, safe) => {
    expect(isReplaySafe(method, headers, optIn)).toBe(safe);
  });
});
