import { HttpException } from '@nestjs/common';
import { ErrorKind, isDomainError } from '@sigma/shared/util-errors';
import { NormalizedError, STATUS_OF_KIND } from './error-bodies';

const KIND_OF_STATUS = new Map<number, ErrorKind>(
  (Object.entries(STATUS_OF_KIND) as Array<[ErrorKind, number]>)
    .filter(([kind]) => ![ErrorKind.INVALID_CREDENTIALS, ErrorKind.INVALID_TOKEN, ErrorKind.TOKEN_EXPIRED].includes(kind))
    .map(([kind, status]) => [status, kind]),
);

const GENERIC_MESSAGES: Partial<Record<ErrorKind, string>> = {
  [ErrorKind.NOT_FOUND]: 'The requested resource does not exist',
  [ErrorKind.PAYLOAD_TOO_LARGE]: 'The request body is too large',
  [ErrorKind.UNSUPPORTED_MEDIA_TYPE]: 'The request content type is not supported',
  [ErrorKind.INTERNAL]: 'An unexpected error occurred',
};

/** Errors body-parser raises before any handler runs. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

/**
 * Reduces anything thrown while serving a request to a NormalizedError. `internal` is true when
 * the error was not one the code meant to raise: the caller logs it with an error id, and the
 * client sees only a generic message.
 */
export function normalizeError(error: unknown): { normalized: NormalizedError; internal: boolean } {
  if (isDomainError(error)) {
    return {
      normalized: {
        kind: error.kind,
        message: error.message,
        details: error.details,
        retryAfterSeconds: error.retryAfterSeconds,
        oauthError: error.oauthError,
      },
      internal: error.kind === ErrorKind.INTERNAL,
    };
  }
  if (error instanceof HttpException) {
    const kind = KIND_OF_STATUS.get(error.getStatus()) ?? ErrorKind.INTERNAL;
    const message = kind === ErrorKind.NOT_FOUND ? GENERIC_MESSAGES[kind] : error.message;
    return {
      normalized: { kind, message: message ?? GENERIC_MESSAGES[ErrorKind.INTERNAL] ?? '', details: [] },
      internal: kind === ErrorKind.INTERNAL,
    };
  }
  if (isBodyParserError(error) && error.status >= 400 && error.status < 500) {
    const kind = KIND_OF_STATUS.get(error.status) ?? ErrorKind.VALIDATION;
    const message =
      error.type === 'entity.parse.failed' ? 'The request body is not well-formed' : GENERIC_MESSAGES[kind] ?? 'The request body was refused';
    return { normalized: { kind, message, details: [] }, internal: false };
  }
  return {
    normalized: { kind: ErrorKind.INTERNAL, message: GENERIC_MESSAGES[ErrorKind.INTERNAL] ?? '', details: [] },
    internal: true,
  };
}
