import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

export interface PasswordCredentials {
  username: string;
  password: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

function refused(message: string): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'credentials', message }] });
}

/**
 * Seed 000's form login: `credentials` = base64(`username:password`). The username ends at the
 * first colon (RFC 7617's rule); the password may contain colons. The value is never echoed.
 */
export function decodeBasicCredentials(credentials: string): PasswordCredentials {
  const trimmed = credentials.trim();
  if (trimmed.length === 0 || !BASE64.test(trimmed)) throw refused('must be base64 of username:password');
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw refused('must be base64 of username:password');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (username.length === 0 || password.length === 0) throw refused('username and password must not be empty');
  return { username, password };
}
