import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/** What a page says when a step was refused: the status and a message for people (never the raw error). */
export function pageErrorOf(error: unknown): { status: number; message: string } | undefined {
  if (!(error instanceof DomainError)) return undefined;
  switch (error.kind) {
    case ErrorKind.INVALID_CREDENTIALS:
      return { status: 401, message: 'The username or password is wrong.' };
    case ErrorKind.RATE_LIMITED:
      return { status: 429, message: `Too many attempts. Try again in ${error.retryAfterSeconds ?? 60} seconds.` };
    case ErrorKind.INSUFFICIENT_PERMISSIONS:
      return { status: 403, message: 'This account cannot sign in here.' };
    case ErrorKind.VALIDATION:
      return { status: 400, message: 'Please check what you entered.' };
    case ErrorKind.NOT_FOUND:
      return { status: 400, message: 'This sign-in expired. Start again from the application.' };
    case ErrorKind.UNAVAILABLE:
    case ErrorKind.TIMEOUT:
    case ErrorKind.BAD_GATEWAY:
      return { status: 503, message: 'Signing in is unavailable right now. Try again in a moment.' };
    default:
      return undefined;
  }
}
