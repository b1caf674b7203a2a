import type { LoginResponse } from '@sigma/auth/feature-tokens';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/** Seed 002's `tokens` of a completed login. */
export function camelCaseTokensOf(response: LoginResponse): { accessToken: string; refreshToken: string; expiresIn: number; tokenType: 'Bearer' } {
  const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = response;
  if (accessToken === undefined || refreshToken === undefined || expiresIn === undefined) throw new DomainError(ErrorKind.INTERNAL, 'a completed login answered no tokens');
  return { accessToken, refreshToken, expiresIn, tokenType: 'Bearer' };
}
