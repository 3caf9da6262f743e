import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import {
  clientMessage, httpExceptionBody, incomingStatus, isAxiosError, isHttpErrorsError, isHttpException, outboundStatus,
} from './http-like.js';

const httpErrors = (status: number, expose = true): Error =>
  Object.assign(new Error(`status ${status}`), { expose, status, statusCode: status });

describe('incoming HTTP errors', () => {
  it('recognises Nest HttpExceptions and http-errors by shape', () => {
    expect(isHttpException(new NotFoundException())).toBe(true);
    expect(isHttpException(new Error('x'))).toBe(false);
    expect(isHttpErrorsError(httpErrors(413))).toBe(true);
    expect(isHttpErrorsError(Object.assign(new Error('x'), { expose: true, statusCode: 400, status: 401 }))).toBe(false);
  });

  it.each<[string, unknown, number | undefined]>([
    ['HttpException', new HttpException('x', 418), 418],
    ['http-errors', httpErrors(413), 413],
    ['bogus status', { getStatus: () => 'x', getResponse: () => 'y' }, undefined],
    ['out of range', { getStatus: () => 999, getResponse: () => 'y' }, undefined],
    ['plain error', new Error('x'), undefined],
  ])('incomingStatus(%s)', (_label, error, expected) => {
    expect(incomingStatus(error)).toBe(expected);
  });

  it.each<[string, unknown, string | undefined]>([
    ['string response', new BadRequestException('Email taken'), 'Email taken'],
    ['message array', new BadRequestException({ message: ['a', 1, 'b'] }), 'a; b'],
    ['no message', new HttpException({ code: 1 }, 400), undefined],
    ['blank message', new BadRequestException(' '), undefined],
    ['exposed http-errors', httpErrors(400), 'status 400'],
    ['hidden http-errors', httpErrors(400, false), undefined],
    ['throwing getResponse', { getStatus: () => 400, getResponse: (): never => { throw new Error('no'); } }, undefined],
  ])('clientMessage(%s)', (_label, error, expected) => {
    expect(clientMessage(error)).toBe(expected);
  });

  it('exposes an object HttpException body', () => {
    expect(httpExceptionBody(new HttpException({ retryAfter: 3 }, 429))).toEqual({ retryAfter: 3 });
    expect(httpExceptionBody(new HttpException('text', 429))).toBeUndefined();
  });
});

describe('outbound HTTP errors', () => {
  it.each<[string, unknown, number | undefined]>([
    ['status', { status: 500 }, 500],
    ['statusCode', { statusCode: 404 }, 404],
    ['response.status', { response: { status: 503 } }, 503],
    ['response.statusCode', { response: { statusCode: 429 } }, 429],
    ['2xx is not a failure', { status: 200 }, undefined],
    ['process exit status', { status: 1 }, undefined],
  ])('outboundStatus(%s)', (_label, error, expected) => {
    expect(outboundStatus(error)).toBe(expected);
  });

  it('recognises axios errors', () => {
    expect(isAxiosError({ isAxiosError: true })).toBe(true);
    expect(isAxiosError({ isAxiosError: 'yes' })).toBe(false);
  });
});
