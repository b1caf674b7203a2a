import type { Request, Response } from 'express';
import { DpopNonceRequired, OAuthErrors } from '../oauth-errors';

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/**
 * OAuth endpoints take form bodies (RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1): a request with a
 * body (a length or a transfer encoding, as Express's `req.is` counts one) whose media type, any
 * parameters such as charset aside and in any case, is application/x-www-form-urlencoded. Read from
 * the header directly: this runs on every token request (ADR 11).
 */
export function requireFormBody(req: Pick<Request, 'headers'>): void {
  const { headers } = req;
  const hasBody = headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(headers['content-length']));
  const mediaType = (headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();
  if (!hasBody || mediaType !== FORM_MEDIA_TYPE) throw OAuthErrors.invalidRequest('the request body must be application/x-www-form-urlencoded');
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
