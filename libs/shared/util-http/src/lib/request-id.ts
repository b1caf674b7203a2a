import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Keeps a caller's X-Request-ID when it is a plausible id (so traces join up across services),
 * otherwise mints a new one. Odd values are replaced rather than echoed, so a header cannot
 * smuggle text into logs or responses.
 */
export function resolveRequestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && ACCEPTABLE.test(value) ? value : `req_${randomUUID()}`;
}
