/**
 * A refused authorization request. `redirectable` errors go back to the client's (verified,
 * registered) redirect URI with `error`, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207); the others
 * (unknown client, unregistered redirect URI) are shown on an error page and never redirected
 * (RFC 9700 §4.11: no open redirector).
 */
export class AuthorizationError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly redirectable: boolean,
  ) {
    super(description);
    this.name = 'AuthorizationError';
  }

  static page(error: string, description: string): AuthorizationError {
    return new AuthorizationError(error, description, false);
  }

  static redirect(error: string, description: string): AuthorizationError {
    return new AuthorizationError(error, description, true);
  }
}
