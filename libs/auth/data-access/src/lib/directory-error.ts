import { DomainError, ErrorKind, FieldProblem } from '@sigma/shared/util-errors';

/** The Sigma error body the directory's internal API answers with (contracts-internal). */
interface SigmaErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown; retry_after?: unknown };
}

/** The directory's codes auth-server passes on; anything else means the directory misbehaved. */
const KIND_OF_CODE: Readonly<Record<string, ErrorKind>> = {
  VALIDATION_ERROR: ErrorKind.VALIDATION,
  INVALID_CREDENTIALS: ErrorKind.INVALID_CREDENTIALS,
  INSUFFICIENT_PERMISSIONS: ErrorKind.INSUFFICIENT_PERMISSIONS,
  RESOURCE_NOT_FOUND: ErrorKind.NOT_FOUND,
  RATE_LIMIT_EXCEEDED: ErrorKind.RATE_LIMITED,
  CONFLICT: ErrorKind.CONFLICT,
};

export function directoryUnavailable(cause?: unknown): DomainError {
  return new DomainError(ErrorKind.UNAVAILABLE, 'the user directory is not available', { retryAfterSeconds: 5, cause });
}

function detailsOf(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((d): d is { field: string; message: string } => typeof d === 'object' && d !== null && typeof d.field === 'string' && typeof d.message === 'string')
    .map((d) => ({ field: d.field, message: d.message }));
}

/**
 * The domain error for a directory answer that is not a success: 4xx answers keep the directory's
 * code (by kind), message, field details and retry_after; 5xx answers and bodies that are not the
 * Sigma error body mean the directory is unavailable (503, retry).
 */
export function directoryErrorOf(status: number, body: unknown): DomainError {
  const error = (body as SigmaErrorBody | undefined)?.error;
  const kind = typeof error?.code === 'string' ? KIND_OF_CODE[error.code] : undefined;
  if (status >= 500 || kind === undefined) return directoryUnavailable();
  const retryAfter = typeof error?.retry_after === 'number' && Number.isFinite(error.retry_after) ? Math.max(1, Math.ceil(error.retry_after)) : undefined;
  return new DomainError(kind, typeof error?.message === 'string' ? error.message : 'the user directory refused the request', {
    details: detailsOf(error?.details),
    retryAfterSeconds: kind === ErrorKind.RATE_LIMITED ? (retryAfter ?? 60) : undefined,
  });
}
