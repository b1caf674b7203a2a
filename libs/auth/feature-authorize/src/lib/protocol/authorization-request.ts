import type { AuthorizationRequest } from '@sigma/auth/data-access-authorize';
import type { ClientRecord } from '@sigma/auth/feature-clients';
import { AuthorizationError } from './authorization-error';
import { isPkceValue } from './pkce';

/** Parameters of an authorization request, each given at most once. */
export type AuthorizationParams = Readonly<Record<string, string | undefined>>;

const MAX_PARAM_LENGTH = 2048;
const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'];
const IMPLICIT_RESPONSE_TYPES = ['token', 'id_token', 'id_token token', 'code token', 'code id_token', 'code id_token token'];
const JKT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Reads a query string or form body into single-valued parameters: a parameter given twice is
 * invalid_request (RFC 6749 §3.1), empty values count as absent.
 */
export function authorizationParamsOf(source: Record<string, unknown>): AuthorizationParams {
  const params: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw AuthorizationError.page('invalid_request', `${name} must be given once`);
    if (value.length > MAX_PARAM_LENGTH) throw AuthorizationError.page('invalid_request', `${name} is too long`);
    params[name] = value;
  }
  return params;
}

/**
 * The redirect URI a request may be answered at: exactly one of the client's registered URIs,
 * compared as strings (RFC 9700 §4.1.3: no prefix, suffix, case or port tricks). Omitted only when
 * the client registered exactly one. Anything else is an error page, never a redirect.
 */
export function redirectUriOf(client: ClientRecord, requested: string | undefined): string {
  if (requested === undefined) {
    if (client.redirectUris.length === 1) return client.redirectUris[0];
    throw AuthorizationError.page('invalid_request', 'redirect_uri is required');
  }
  if (!client.redirectUris.includes(requested)) throw AuthorizationError.page('invalid_request', 'redirect_uri is not registered for this client');
  return requested;
}

/**
 * Validates everything but the client and redirect URI (which the caller has established) against
 * the client's registration: response type, grant, scopes, PKCE, prompt. Errors are redirectable.
 */
export function authorizationRequestOf(client: ClientRecord, redirectUri: string, params: AuthorizationParams, pushed: boolean): AuthorizationRequest {
  const responseType = params['response_type'];
  if (responseType === undefined) throw AuthorizationError.redirect('invalid_request', 'response_type is required');
  // Implicit (response_type=token) only for clients registered for it (allow_implicit and the implicit grant); never with PAR or FAPI 2.0.
  const implicitAllowed = client.allowImplicit && client.allowedGrantTypes.includes('implicit') && !client.fapi2 && !pushed;
  if (responseType !== 'code' && !(responseType === 'token' && implicitAllowed)) {
    const implicit = IMPLICIT_RESPONSE_TYPES.includes(responseType);
    const reason = implicit && !client.allowImplicit ? 'implicit responses are not allowed for this client (RFC 9700 §2.1.2)' : `response_type ${responseType} is not supported; use code`;
    throw AuthorizationError.redirect('unsupported_response_type', reason);
  }
  if (responseType === 'code' && !client.allowedGrantTypes.includes('authorization_code')) throw AuthorizationError.redirect('unauthorized_client', 'the client may not use the authorization code grant');
  if (params['request'] !== undefined) throw AuthorizationError.redirect('request_not_supported', 'request objects are not supported; use PAR');
  const responseMode = params['response_mode'];
  const expectedMode = responseType === 'token' ? 'fragment' : 'query';
  if (responseMode !== undefined && responseMode !== expectedMode) throw AuthorizationError.redirect('invalid_request', `response_mode must be ${expectedMode}`);

  const scopes = params['scope'] === undefined ? [...client.allowedScopes] : params['scope'].split(' ').filter((s) => s.length > 0);
  const unknown = scopes.filter((scope) => !client.allowedScopes.includes(scope));
  if (unknown.length > 0) throw AuthorizationError.redirect('invalid_scope', `scope not allowed for this client: ${unknown.join(' ')}`);
  if (scopes.length === 0) throw AuthorizationError.redirect('invalid_scope', 'no scope requested');

  const challenge = params['code_challenge'];
  const method = params['code_challenge_method'] ?? (challenge === undefined ? undefined : 'plain');
  if (responseType === 'token') {
    if (challenge !== undefined) throw AuthorizationError.redirect('invalid_request', 'PKCE does not apply to implicit responses');
  } else if (challenge === undefined) {
    if (method !== undefined) throw AuthorizationError.redirect('invalid_request', 'code_challenge_method without code_challenge');
    if (client.requirePkce || client.clientType === 'public' || client.fapi2) throw AuthorizationError.redirect('invalid_request', 'code_challenge is required (PKCE, RFC 7636)');
  } else {
    if (method !== 'S256' && method !== 'plain') throw AuthorizationError.redirect('invalid_request', 'code_challenge_method must be S256');
    if (method === 'plain' && (!client.allowPlainPkce || client.fapi2)) throw AuthorizationError.redirect('invalid_request', 'code_challenge_method plain is not allowed for this client; use S256');
    if (!isPkceValue(challenge)) throw AuthorizationError.redirect('invalid_request', 'code_challenge must be 43 to 128 unreserved characters');
  }

  const prompt = params['prompt'] === undefined ? [] : params['prompt'].split(' ').filter((p) => p.length > 0);
  if (prompt.some((p) => !PROMPT_VALUES.includes(p))) throw AuthorizationError.redirect('invalid_request', 'prompt has an unknown value');
  if (prompt.includes('none') && prompt.length > 1) throw AuthorizationError.redirect('invalid_request', 'prompt none cannot be combined with other values');

  let maxAge: number | undefined;
  if (params['max_age'] !== undefined) {
    if (!/^\d{1,9}$/.test(params['max_age'])) throw AuthorizationError.redirect('invalid_request', 'max_age must be a non-negative integer');
    maxAge = Number(params['max_age']);
  }
  const dpopJkt = params['dpop_jkt'];
  if (dpopJkt !== undefined && !JKT.test(dpopJkt)) throw AuthorizationError.redirect('invalid_request', 'dpop_jkt must be a base64url SHA-256 JWK thumbprint');

  return {
    clientId: client.clientId,
    responseType: responseType === 'token' ? 'token' : 'code',
    redirectUri,
    scope: scopes.join(' '),
    state: params['state'],
    nonce: params['nonce'],
    codeChallenge: challenge,
    codeChallengeMethod: challenge === undefined ? undefined : (method as 'S256' | 'plain'),
    prompt,
    maxAge,
    dpopJkt,
    pushed,
  };
}

/** The redirect URI with the authorization response's parameters added to its query (RFC 6749 §4.1.2), `iss` included (RFC 9207). */
export function authorizationResponseUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.toString();
}

/** The redirect URI with an implicit response in its fragment (RFC 6749 §4.2.2): tokens never reach a server's logs through the query. */
export function fragmentResponseUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  const fragment = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) fragment.append(name, value);
  url.hash = fragment.toString();
  return url.toString();
}
