/**
 * What went wrong, independent of transport. Business code throws a DomainError carrying one of
 * these kinds; each route family's filter maps the kind to its own status code and error body,
 * and an event consumer maps it to retry or dead-letter. Business code never picks an HTTP status.
 */
export enum ErrorKind {
  VALIDATION = 'VALIDATION',
  AUTHENTICATION_REQUIRED = 'AUTHENTICATION_REQUIRED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_TOKEN = 'INVALID_TOKEN',
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
  INSUFFICIENT_PERMISSIONS = 'INSUFFICIENT_PERMISSIONS',
  NOT_FOUND = 'NOT_FOUND',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  NOT_ACCEPTABLE = 'NOT_ACCEPTABLE',
  CONFLICT = 'CONFLICT',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED = 'RATE_LIMITED',
  BAD_GATEWAY = 'BAD_GATEWAY',
  UNAVAILABLE = 'UNAVAILABLE',
  TIMEOUT = 'TIMEOUT',
  INTERNAL = 'INTERNAL',
}

/** A problem with one input field, as the seeds' `details: [{field, message}]` show it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  details?: FieldProblem[];
  /** Seconds a client should wait before retrying (rate limits, lockouts, unavailability). */
  retryAfterSeconds?: number;
  /** RFC 6749-style error code for OAuth-style families (`invalid_grant`, `invalid_dpop_proof`, ...). */
  oauthError?: string;
  /**
   * The `WWW-Authenticate` challenge to answer with when the family's default is not right (a
   * protected resource refusing a DPoP-bound token challenges with `DPoP`, RFC 9449 §7.1).
   */
  wwwAuthenticate?: string;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly details: FieldProblem[];
  readonly retryAfterSeconds?: number;
  readonly oauthError?: string;
  readonly wwwAuthenticate?: string;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.details = options.details ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.oauthError = options.oauthError;
    this.wwwAuthenticate = options.wwwAuthenticate;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
