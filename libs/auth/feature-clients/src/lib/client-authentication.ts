import { ClientRecord } from '@sigma/auth/data-access-clients';
import { hashToken, matchesTokenHash } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How a token-endpoint request authenticates its client (RFC 6749 §2.3, RFC 7523). */
export type PresentedClientAuthentication =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; clientSecret: string }
  | { method: 'private_key_jwt'; clientId?: string; clientAssertion: string }
  | { method: 'none'; clientId: string };

/** The parts of a token-endpoint request that carry client credentials. */
export interface ClientCredentialSources {
  /** The Authorization header, when sent. */
  authorization?: string;
  /** The form body (only its client_* members are read). */
  body: { client_id?: unknown; client_secret?: unknown; client_assertion_type?: unknown; client_assertion?: unknown };
}

// Compared against when the client is unknown or has no secret, so every failure costs the same.
const DUMMY_SECRET_HASH = hashToken('no client has this secret');

function invalidClient(message: string): DomainError {
  return new DomainError(ErrorKind.INVALID_CREDENTIALS, message, { oauthError: 'invalid_client' });
}

function invalidRequest(message: string): DomainError {
  return new DomainError(ErrorKind.VALIDATION, message, { oauthError: 'invalid_request' });
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw invalidRequest(`${name} must be a non-empty string`);
  return value;
}

/**
 * Reads which client authentication a request uses: HTTP Basic (client_id and secret each
 * form-urlencoded, RFC 6749 §2.3.1), client_secret_post, a private_key_jwt assertion, or a bare
 * client_id (public clients). More than one method in one request is invalid_request (§2.3);
 * a malformed Basic header or no client at all is invalid_client.
 */
export function clientAuthenticationOf(sources: ClientCredentialSources): PresentedClientAuthentication {
  const bodyClientId = optionalString(sources.body.client_id, 'client_id');
  const bodySecret = optionalString(sources.body.client_secret, 'client_secret');
  const assertionType = optionalString(sources.body.client_assertion_type, 'client_assertion_type');
  const assertion = optionalString(sources.body.client_assertion, 'client_assertion');
  const basic = sources.authorization !== undefined && /^basic /i.test(sources.authorization.trim()) ? sources.authorization.trim().slice(6).trim() : undefined;

  const used = [basic !== undefined, bodySecret !== undefined, assertion !== undefined || assertionType !== undefined].filter(Boolean).length;
  if (used > 1) throw invalidRequest('the request uses more than one client authentication method');

  if (basic !== undefined) {
    let clientId: string;
    let clientSecret: string;
    try {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0 || !/^[A-Za-z0-9+/]+=*$/.test(basic)) throw new Error('malformed');
      clientId = formDecode(decoded.slice(0, colon));
      clientSecret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw invalidClient('the Basic credentials are malformed');
    }
    if (clientId === '' || clientSecret === '') throw invalidClient('the Basic credentials are malformed');
    if (bodyClientId !== undefined && bodyClientId !== clientId) throw invalidRequest('client_id differs from the authenticated client');
    return { method: 'client_secret_basic', clientId, clientSecret };
  }
  if (bodySecret !== undefined) {
    if (bodyClientId === undefined) throw invalidClient('client_secret needs client_id');
    return { method: 'client_secret_post', clientId: bodyClientId, clientSecret: bodySecret };
  }
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType !== JWT_BEARER_ASSERTION_TYPE) throw invalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
    if (assertion === undefined) throw invalidClient('client_assertion is missing');
    return { method: 'private_key_jwt', clientId: bodyClientId, clientAssertion: assertion };
  }
  if (bodyClientId === undefined) throw invalidClient('the request names no client');
  return { method: 'none', clientId: bodyClientId };
}

/**
 * Authenticates a client with what it presented. The method must be the one the client registered
 * (a confidential client cannot fall back to `none`), the client must be active, and secrets are
 * compared as SHA-256 hashes in constant time; an unknown client costs the same comparison and gets
 * the same answer. Failures are INVALID_CREDENTIALS with oauthError `invalid_client` (RFC 6749 §5.2).
 * private_key_jwt assertions are not verified here yet: such requests are refused for now.
 */
export function authenticateClient(client: ClientRecord | undefined, presented: PresentedClientAuthentication): ClientRecord {
  if (presented.method === 'client_secret_basic' || presented.method === 'client_secret_post') {
    const usable = client !== undefined && client.secretHash !== null && client.tokenEndpointAuthMethod === presented.method;
    const matches = matchesTokenHash(presented.clientSecret, usable ? (client.secretHash as string) : DUMMY_SECRET_HASH);
    if (!usable || !matches || client.status !== 'active') throw invalidClient('client authentication failed');
    return client;
  }
  if (client === undefined || client.status !== 'active' || client.tokenEndpointAuthMethod !== presented.method) {
    throw invalidClient('client authentication failed');
  }
  if (presented.method === 'private_key_jwt') throw invalidClient('private_key_jwt client assertions are not accepted yet');
  return client;
}
