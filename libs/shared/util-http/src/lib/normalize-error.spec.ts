import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { normalizeError } from './normalize-error';

describe('normalizeError', () => {
  it('keeps domain errors as they were raised', () => {
    const { normalized, internal } = normalizeError(new DomainError(ErrorKind.CONFLICT, 'email taken'));
    expect(normalized).toMatchObject({ kind: ErrorKind.CONFLICT, message: 'email taken' });
    expect(internal).toBe(false);
  });

  it('maps framework exceptions by status without leaking route internals', () => {
    expect(normalizeError(new NotFoundException('Cannot GET /internal/x')).normalized).toMatchObject({
      kind: ErrorKind.NOT_FOUND,
      message: 'The requested resource does not exist',
    });
    expect(normalizeError(new PayloadTooLargeException()).normalized.kind).toBe(ErrorKind.PAYLOAD_TOO_LARGE);
    expect(normalizeError(new BadRequestException('nope')).normalized.kind).toBe(ErrorKind.VALIDATION);
  });

  it('recognises body-parser failures as client errors', () => {
    const malformed = Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 });
    expect(normalizeError(malformed)).toEqual({
      normalized: { kind: ErrorKind.VALIDATION, message: 'The request body is not well-formed', details: [] },
      internal: false,
    });
    const tooLarge = Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 });
    expect(normalizeError(tooLarge).normalized.kind).toBe(ErrorKind.PAYLOAD_TOO_LARGE);
  });

  it('answers undecodable path parameters and unnamed client statuses as client errors', () => {
    const undecodable = Object.assign(new URIError("Failed to decode param '%zz'"), { status: 400 });
    expect(normalizeError(undecodable)).toEqual({
      normalized: { kind: ErrorKind.VALIDATION, message: 'The request path is not well-formed', details: [] },
      internal: false,
    });
    expect(normalizeError(new HttpException('gone', 410)).normalized.kind).toBe(ErrorKind.VALIDATION);
    expect(normalizeError(new HttpException('unprocessable', 422)).internal).toBe(false);
  });

  it('hides unexpected errors behind a generic message', () => {
    const { normalized, internal } = normalizeError(new TypeError('cannot read x of undefined'));
    expect(internal).toBe(true);
    expect(normalized.kind).toBe(ErrorKind.INTERNAL);
    expect(normalized.message).not.toContain('undefined');
  });
});
