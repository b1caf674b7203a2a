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

/**
 * Errors Express and its parsers raise before any handler runs carry a client status: body-parser
 * (`type` such as `entity.parse.failed`) and the router's undecodable path parameters (URIError).
 */
interface ClientStatusError {
  type?: string;
  status?: number;
  statusCode?: number;
}

function clientStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as ClientStatusError;
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && value >= 400 && value < 500 ? value : undefined;
}

/** The kind of a status no kind names exactly: client errors are validation errors. */
function kindOfStatus(status: number): ErrorKind {
  return KIND_OF_STATUS.get(status) ?? (status >= 400 && status < 500 ? ErrorKind.VALIDATION : ErrorKind.INTERNAL);
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
        wwwAuthenticate: error.wwwAuthenticate,
      },
      internal: error.kind === ErrorKind.INTERNAL,
    };
  }
  if (error instanceof HttpException) {
    const kind = kindOfStatus(error.getStatus());
    const message = kind === ErrorKind.NOT_FOUND ? GENERIC_MESSAGES[kind] : error.message;
    return {
      normalized: { kind, message: message ?? GENERIC_MESSAGES[ErrorKind.INTERNAL] ?? '', details: [] },
      internal: kind === ErrorKind.INTERNAL,
    };
  }
  const clientStatus = clientStatusOf(error);
  if (clientStatus !== undefined) {
    const kind = kindOfStatus(clientStatus);
    const type = (error as ClientStatusError).type;
    const message =
      type === 'entity.parse.failed'
        ? 'The request body is not well-formed'
        : error instanceof URIError
          ? 'The request path is not well-formed'
          : GENERIC_MESSAGES[kind] ?? 'The request was refused';
    return { normalized: { kind, message, details: [] }, internal: false };
  }
  return {
    normalized: { kind: ErrorKind.INTERNAL, message: GENERIC_MESSAGES[ErrorKind.INTERNAL] ?? '', details: [] },
    internal: true,
  };
}
