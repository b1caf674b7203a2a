import { IAMError } from '@sigma/iam-js';

/**
 * A refusal of `authenticate`: the status (400, 401, 403, 503), the suite's error code, and the
 * WWW-Authenticate challenge to send (RFC 6750 §3, RFC 9449 §7.1).
 */
export class AuthenticationError extends IAMError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly wwwAuthenticate?: string,
  ) {
    super(code, message, status);
  }
}
