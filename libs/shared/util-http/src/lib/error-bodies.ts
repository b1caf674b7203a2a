import { ErrorKind, FieldProblem } from '@sigma/shared/util-errors';
import { RouteFamily } from './route-family';

/** An error reduced to what every family's body is built from. */
export interface NormalizedError {
  kind: ErrorKind;
  message: string;
  details: FieldProblem[];
  retryAfterSeconds?: number;
  oauthError?: string;
  /** A challenge chosen by the code that refused (DomainError.wwwAuthenticate). */
  wwwAuthenticate?: string;
}

export interface ErrorContext {
  requestId: string;
  timestamp: string;
}

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  [ErrorKind.VALIDATION]: 400,
  [ErrorKind.AUTHENTICATION_REQUIRED]: 401,
  [ErrorKind.INVALID_CREDENTIALS]: 401,
  [ErrorKind.INVALID_TOKEN]: 401,
  [ErrorKind.TOKEN_EXPIRED]: 401,
  [ErrorKind.INSUFFICIENT_PERMISSIONS]: 403,
  [ErrorKind.NOT_FOUND]: 404,
  [ErrorKind.METHOD_NOT_ALLOWED]: 405,
  [ErrorKind.NOT_ACCEPTABLE]: 406,
  [ErrorKind.CONFLICT]: 409,
  [ErrorKind.PAYLOAD_TOO_LARGE]: 413,
  [ErrorKind.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorKind.RATE_LIMITED]: 429,
  [ErrorKind.INTERNAL]: 500,
  [ErrorKind.BAD_GATEWAY]: 502,
  [ErrorKind.UNAVAILABLE]: 503,
  [ErrorKind.TIMEOUT]: 504,
};

/** Seed 000's code table, extended with seed 002's credential and token codes. */
const SIGMA_CODES: Readonly<Record<ErrorKind, string>> = {
  [ErrorKind.VALIDATION]: 'VALIDATION_ERROR',
  [ErrorKind.AUTHENTICATION_REQUIRED]: 'AUTHENTICATION_REQUIRED',
  [ErrorKind.INVALID_CREDENTIALS]: 'INVALID_CREDENTIALS',
  [ErrorKind.INVALID_TOKEN]: 'INVALID_TOKEN',
  [ErrorKind.TOKEN_EXPIRED]: 'TOKEN_EXPIRED',
  [ErrorKind.INSUFFICIENT_PERMISSIONS]: 'INSUFFICIENT_PERMISSIONS',
  [ErrorKind.NOT_FOUND]: 'RESOURCE_NOT_FOUND',
  [ErrorKind.METHOD_NOT_ALLOWED]: 'METHOD_NOT_ALLOWED',
  [ErrorKind.NOT_ACCEPTABLE]: 'NOT_ACCEPTABLE',
  [ErrorKind.CONFLICT]: 'CONFLICT',
  [ErrorKind.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [ErrorKind.UNSUPPORTED_MEDIA_TYPE]: 'UNSUPPORTED_MEDIA_TYPE',
  [ErrorKind.RATE_LIMITED]: 'RATE_LIMIT_EXCEEDED',
  [ErrorKind.INTERNAL]: 'SERVER_ERROR',
  [ErrorKind.BAD_GATEWAY]: 'SERVICE_UNAVAILABLE',
  [ErrorKind.UNAVAILABLE]: 'SERVICE_UNAVAILABLE',
  [ErrorKind.TIMEOUT]: 'SERVICE_UNAVAILABLE',
};

/** Seed 002's code table; kinds it lacks use the nearest of its codes. */
const ADMIN_CODES: Readonly<Record<ErrorKind, string>> = {
  ...SIGMA_CODES,
  [ErrorKind.AUTHENTICATION_REQUIRED]: 'INVALID_TOKEN',
  [ErrorKind.INTERNAL]: 'INTERNAL_ERROR',
};

/** RFC 6749 / 6750 codes where one fits, lower-case descriptive codes otherwise. */
const OAUTH_CODES: Readonly<Record<ErrorKind, string>> = {
  [ErrorKind.VALIDATION]: 'invalid_request',
  [ErrorKind.AUTHENTICATION_REQUIRED]: 'invalid_token',
  [ErrorKind.INVALID_CREDENTIALS]: 'access_denied',
  [ErrorKind.INVALID_TOKEN]: 'invalid_token',
  [ErrorKind.TOKEN_EXPIRED]: 'invalid_token',
  [ErrorKind.INSUFFICIENT_PERMISSIONS]: 'access_denied',
  [ErrorKind.NOT_FOUND]: 'not_found',
  [ErrorKind.METHOD_NOT_ALLOWED]: 'invalid_request',
  [ErrorKind.NOT_ACCEPTABLE]: 'not_acceptable',
  [ErrorKind.CONFLICT]: 'conflict',
  [ErrorKind.PAYLOAD_TOO_LARGE]: 'invalid_request',
  [ErrorKind.UNSUPPORTED_MEDIA_TYPE]: 'invalid_request',
  [ErrorKind.RATE_LIMITED]: 'rate_limit_exceeded',
  [ErrorKind.INTERNAL]: 'server_error',
  [ErrorKind.BAD_GATEWAY]: 'temporarily_unavailable',
  [ErrorKind.UNAVAILABLE]: 'temporarily_unavailable',
  [ErrorKind.TIMEOUT]: 'temporarily_unavailable',
};

function describeWithDetails(error: NormalizedError): string {
  if (error.details.length === 0) return error.message;
  return `${error.message}: ${error.details.map((d) => `${d.field} ${d.message}`).join('; ')}`;
}

type BodyBuilder = (error: NormalizedError, context: ErrorContext) => Record<string, unknown>;

const BODY_BUILDERS: Readonly<Record<RouteFamily, BodyBuilder>> = {
  [RouteFamily.SIGMA]: (error, context) => ({
    error: {
      code: SIGMA_CODES[error.kind],
      message: error.message,
      details: error.details,
      request_id: context.requestId,
      timestamp: context.timestamp,
      ...(error.retryAfterSeconds === undefined ? {} : { retry_after: error.retryAfterSeconds }),
    },
  }),
  [RouteFamily.ADMIN]: (error, context) => ({
    success: false,
    error: error.message,
    code: ADMIN_CODES[error.kind],
    details:
      error.details.length === 0
        ? {}
        : { field: error.details[0].field, message: error.details[0].message, fields: error.details },
    timestamp: context.timestamp,
    requestId: context.requestId,
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfter: error.retryAfterSeconds }),
  }),
  [RouteFamily.OAUTH]: (error) => ({
    error: error.oauthError ?? OAUTH_CODES[error.kind],
    error_description: describeWithDetails(error),
  }),
  [RouteFamily.TENANT_API]: (error) =>
    error.kind === ErrorKind.RATE_LIMITED
      ? { error: 'Rate limit exceeded', retry_after: error.retryAfterSeconds ?? 60 }
      : { error: error.oauthError ?? OAUTH_CODES[error.kind], error_description: describeWithDetails(error) },
};

/** Builds the status, headers and body a family answers an error with. */
export function renderError(family: RouteFamily, error: NormalizedError, context: ErrorContext): RenderedError {
  const status = STATUS_OF_KIND[error.kind];
  const headers: Record<string, string> = { 'x-request-id': context.requestId, 'cache-control': 'no-store' };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error.wwwAuthenticate !== undefined) {
    headers['www-authenticate'] = error.wwwAuthenticate;
  } else if (status === 401 && (family === RouteFamily.OAUTH || family === RouteFamily.TENANT_API)) {
    const code = error.oauthError ?? OAUTH_CODES[error.kind];
    // A failed client authentication challenges with the client's scheme (RFC 6749 §5.2), not Bearer.
    headers['www-authenticate'] = code === 'invalid_client' ? 'Basic realm="sigma-iam"' : `Bearer error="${code}"`;
  }
  return { status, headers, body: BODY_BUILDERS[family](error, context) };
}
