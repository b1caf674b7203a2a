/** A field the server refused, as the suite's error bodies list it. */
export interface IAMErrorDetail {
  field: string;
  message: string;
}

/**
 * Every failure of the SDK: the suite's error code (seed 000: VALIDATION_ERROR, RATE_LIMIT_EXCEEDED,
 * AUTHENTICATION_REQUIRED, ...; OAuth endpoints: invalid_grant, ...) or the SDK's own (NETWORK_ERROR,
 * TIMEOUT, INVALID_RESPONSE, MFA_REQUIRED, INVALID_TOKEN), the HTTP status (0 when no answer came),
 * and the field details of validation errors. Never carries a token or a password.
 */
export class IAMError extends Error {
  override readonly name = 'IAMError';
  /** The request id the suite answered with (x-request-id), for support. */
  requestId?: string;
  /** Seconds to wait before trying again (429 and locked accounts). */
  retryAfter?: number;
  /** The MFA session to finish with completeMfaLogin, when code is MFA_REQUIRED. */
  mfaSessionId?: string;

  constructor(
    public readonly code: string,
    message: string,
    public readonly status: number,
    public readonly details?: IAMErrorDetail[],
  ) {
    super(message);
  }
}

const CODE_OF_STATUS: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'AUTHENTICATION_REQUIRED',
  403: 'INSUFFICIENT_PERMISSIONS',
  404: 'RESOURCE_NOT_FOUND',
  409: 'CONFLICT',
  422: 'VALIDATION_ERROR',
  429: 'RATE_LIMIT_EXCEEDED',
  503: 'SERVICE_UNAVAILABLE',
};

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function detailsOf(value: unknown): IAMErrorDetail[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const details = value.map(record).filter((item): item is Record<string, unknown> => item !== undefined);
  return details.map((item) => ({ field: text(item['field']) ?? '', message: text(item['message']) ?? '' }));
}

function seconds(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return number !== undefined && Number.isFinite(number) && number >= 0 ? number : undefined;
}

/**
 * The IAMError of an unsuccessful answer, whichever route family's body it carries: the Sigma body
 * `{error: {code, message, details, request_id}}` (/api/v1), the OAuth body `{error,
 * error_description}` (/oauth, /.well-known), or seed 002's envelope `{success: false, error, code}`.
 * A body in none of these shapes still gives a code from the status.
 */
export function iamErrorOf(status: number, body: unknown, headers?: Headers): IAMError {
  const fallbackCode = CODE_OF_STATUS[status] ?? (status >= 500 ? 'SERVER_ERROR' : 'HTTP_ERROR');
  const root = record(body);
  const nested = record(root?.['error']);
  let error: IAMError;
  if (nested) {
    error = new IAMError(text(nested['code']) ?? fallbackCode, text(nested['message']) ?? `The server answered ${status}`, status, detailsOf(nested['details']));
    error.requestId = text(nested['request_id']);
    error.retryAfter = seconds(nested['retry_after']);
  } else if (root && text(root['code']) && root['success'] === false) {
    error = new IAMError(text(root['code']) ?? fallbackCode, text(root['error']) ?? text(root['message']) ?? `The server answered ${status}`, status, detailsOf(root['details']));
    error.requestId = text(root['requestId']);
  } else if (root && text(root['error'])) {
    error = new IAMError(text(root['error']) ?? fallbackCode, text(root['error_description']) ?? text(root['error']) ?? '', status);
    error.retryAfter = seconds(root['retry_after']);
  } else {
    error = new IAMError(fallbackCode, `The server answered ${status}`, status);
  }
  error.requestId ??= headers?.get('x-request-id') ?? undefined;
  error.retryAfter ??= seconds(headers?.get('retry-after') ?? undefined);
  return error;
}
