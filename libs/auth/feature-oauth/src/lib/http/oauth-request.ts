import type { Request, Response } from 'express';
import { DpopNonceRequired, OAuthErrors } from '../oauth-errors';

/** OAuth endpoints take form bodies (RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1). */
export function requireFormBody(req: Request): void {
  if (!req.is('application/x-www-form-urlencoded')) throw OAuthErrors.invalidRequest('the request body must be application/x-www-form-urlencoded');
}

/** A query parameter that must be a single string when present. */
export function queryStringOf(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw OAuthErrors.invalidRequest(`${name} must be given once`);
  return value;
}

/** Runs `work`; a `use_dpop_nonce` refusal carries the nonce to use in the DPoP-Nonce header. */
export async function withDpopNonce<T>(res: Response, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DpopNonceRequired) res.setHeader('DPoP-Nonce', error.nonce);
    throw error;
  }
}
