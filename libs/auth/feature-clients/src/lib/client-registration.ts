import {
  AppType,
  ClientBranding,
  ClientJwks,
  ClientRecord,
  ClientSettings,
  ClientStatus,
  ClientTokenLifetimes,
  ClientType,
  GrantType,
  SUPPORTED_GRANT_TYPES,
  TokenEndpointAuthMethod,
} from '@sigma/auth/data-access-clients';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind, FieldProblem } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';

/** What any of the three seeds' create requests asks for, in one vocabulary. */
export interface ClientRegistrationInput {
  name: string;
  slug?: string;
  description?: string | null;
  clientType?: ClientType;
  appType?: AppType;
  status: ClientStatus;
  url?: string | null;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  grantTypes?: string[];
  scopes?: string[];
  allowedOrigins?: string[];
  tokenLifetimes?: Partial<ClientTokenLifetimes>;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  jwks?: Record<string, unknown>;
  jwksUri?: string;
  requirePkce?: boolean;
  allowPlainPkce?: boolean;
  dpopBound?: boolean;
  dpopNonceRequired?: boolean;
  requirePar?: boolean;
  fapi2?: boolean;
  allowImplicit?: boolean;
  firstParty?: boolean;
  settings?: Partial<ClientSettings>;
  branding?: Partial<ClientBranding>;
}

/** How the caller's request names each input (seed 000 `redirect_uris`, seed 002 `callbackUrls`, ...). */
export type RegistrationFieldNames = Record<Exclude<keyof ClientRegistrationInput, 'status'>, string>;

/** A validated client ready to be stored, and its secret in clear (shown once, never stored). */
export interface ClientRegistration {
  client: ClientRecord;
  /** Null for clients that authenticate without a shared secret (public clients, private_key_jwt). */
  secret: string | null;
  /** True when the slug was derived from the name (a taken one then gets a suffix instead of a conflict). */
  slugDerived: boolean;
}

export const DEFAULT_GRANT_TYPES: GrantType[] = ['authorization_code', 'refresh_token'];
export const DEFAULT_SCOPES = ['openid', 'profile', 'email'];
export const DEFAULT_SETTINGS: ClientSettings = { allowRegistration: false, requireEmailVerification: true, defaultRole: 'user', sessionTimeout: 3600, maxSessions: 5 };
export const DEFAULT_BRANDING: ClientBranding = { primaryColor: '#3b82f6', secondaryColor: '#64748b', logoUrl: null };
/** FAPI 2.0 clients get authorization codes valid for 60 seconds. */
export const FAPI2_AUTHORIZATION_CODE_TTL_SECONDS = 60;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:', 'ftp:', 'ws:', 'wss:']);
const DOT_SEGMENT = /\/\.{1,2}(?:[/?]|$)/;
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const ASYMMETRIC_KEY_TYPES = new Set(['EC', 'RSA', 'OKP']);
const MAX_JWKS_KEYS = 10;

/** A name made into a slug: lower-case letters and digits joined by single hyphens. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug === '' ? 'application' : slug;
}

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOST.test(url.hostname);
}

/**
 * Why a redirect URI cannot be registered, or undefined when it can. Redirect URIs are compared as
 * exact strings later, so they must be absolute, without fragment, wildcard or dot segments;
 * `http` only on loopback hosts (RFC 8252 §7.3); private-use schemes only for native apps (mobile,
 * desktop) and only reverse-domain ones such as `com.example.app:/callback` (RFC 8252 §7.1).
 */
export function redirectUriProblem(uri: string, appType: AppType): string | undefined {
  if (uri.length > 2048) return 'must be at most 2048 characters';
  if (/\s/.test(uri)) return 'must not contain whitespace';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URI';
  }
  if (uri.includes('#')) return 'must not contain a fragment';
  if (uri.includes('*')) return 'must not contain wildcards; redirect URIs are matched exactly';
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol.slice(0, -1)} scheme`;
  if (url.username !== '' || url.password !== '') return 'must not contain user credentials';
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    if (url.hostname === '') return 'must name a host';
    if (url.protocol === 'http:' && !isLoopback(url)) return 'may use http only for localhost or loopback addresses; use https';
    if (DOT_SEGMENT.test(uri.slice(url.protocol.length + 2))) return 'must not contain . or .. path segments';
    return undefined;
  }
  if (appType === 'web') return 'must use https (or http on loopback); private-use schemes are for mobile and desktop applications';
  if (!url.protocol.slice(0, -1).includes('.')) return 'must use a reverse-domain private-use scheme such as com.example.app: (RFC 8252)';
  return undefined;
}

/** Why a CORS origin cannot be registered, or undefined when it can. */
export function originProblem(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'must be an origin such as https://app.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https (or http on loopback)';
  if (url.origin !== origin) return 'must be an origin only (scheme, host and port, no path or trailing slash)';
  if (url.protocol === 'http:' && !isLoopback(url)) return 'may use http only for localhost or loopback addresses; use https';
  return undefined;
}

function httpUrlProblem(value: string, options: { loopbackHttpOnly: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https or http';
  if (url.username !== '' || url.password !== '') return 'must not contain user credentials';
  if (options.loopbackHttpOnly && url.protocol === 'http:' && !isLoopback(url)) return 'must use https (http only on loopback)';
  return undefined;
}

/** Why a registered key set cannot be used for private_key_jwt, or undefined when it can. */
export function jwksProblem(jwks: Record<string, unknown>): string | undefined {
  const keys = jwks['keys'];
  if (!Array.isArray(keys) || keys.length === 0) return 'must be a JWK Set with a non-empty keys array';
  if (keys.length > MAX_JWKS_KEYS) return `must hold at most ${MAX_JWKS_KEYS} keys`;
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'keys must be JSON objects';
    const jwk = key as Record<string, unknown>;
    if (typeof jwk['kty'] !== 'string' || !ASYMMETRIC_KEY_TYPES.has(jwk['kty'])) return 'keys must be public EC, RSA or OKP keys';
    if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) return 'must hold public keys only (a private or symmetric key was sent)';
    if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return 'keys must be signature keys (use "sig")';
    if (jwk['kid'] !== undefined && typeof jwk['kid'] !== 'string') return 'kid must be a string';
  }
  return undefined;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/**
 * Validates a registration against the registry's rules and builds the client to store:
 * - client types: public clients authenticate with `none`, get no secret and always require PKCE;
 *   confidential clients use client_secret_basic (default), client_secret_post or private_key_jwt
 *   (with exactly one of `jwks` and `jwks_uri`). Native apps (mobile, desktop) default to public.
 * - grant types only from the supported list; `implicit` only with `allow_implicit` (RFC 9700);
 *   client_credentials only for confidential clients; redirect URIs required for browser grants.
 * - the FAPI 2.0 switch forces PAR, PKCE (S256), DPoP-bound tokens and private_key_jwt, and refuses
 *   settings that contradict it.
 * Every problem is reported at once (VALIDATION with field details, named as the caller sent them).
 */
export function buildClientRegistration(tenantId: string, input: ClientRegistrationInput, fields: RegistrationFieldNames, now = new Date()): ClientRegistration {
  const problems: FieldProblem[] = [];
  const problem = (field: keyof RegistrationFieldNames, message: string) => problems.push({ field: fields[field], message });

  const appType: AppType = input.appType ?? 'web';
  const fapi2 = input.fapi2 === true;
  const clientType: ClientType = input.clientType ?? (fapi2 || appType === 'web' ? 'confidential' : 'public');

  // Authentication method.
  let method: TokenEndpointAuthMethod;
  if (clientType === 'public') {
    method = input.tokenEndpointAuthMethod ?? 'none';
    if (method !== 'none') problem('tokenEndpointAuthMethod', 'must be none for public clients (they cannot keep a secret)');
  } else {
    method = input.tokenEndpointAuthMethod ?? (fapi2 ? 'private_key_jwt' : 'client_secret_basic');
    if (method === 'none') problem('tokenEndpointAuthMethod', 'none is allowed only for public clients');
  }
  const jwks = input.jwks ?? null;
  const jwksUri = input.jwksUri ?? null;
  if (method === 'private_key_jwt') {
    if ((jwks === null) === (jwksUri === null)) problem('jwks', `private_key_jwt needs exactly one of ${fields.jwks} and ${fields.jwksUri}`);
  } else {
    if (jwks !== null) problem('jwks', 'is used only with private_key_jwt');
    if (jwksUri !== null) problem('jwksUri', 'is used only with private_key_jwt');
  }
  if (jwks !== null) {
    const why = jwksProblem(jwks);
    if (why) problem('jwks', why);
  }
  if (jwksUri !== null) {
    const why = httpUrlProblem(jwksUri, { loopbackHttpOnly: true });
    if (why) problem('jwksUri', why);
  }

  // Grant types.
  const grantTypes = unique(input.grantTypes ?? DEFAULT_GRANT_TYPES);
  if (grantTypes.length === 0) problem('grantTypes', 'must name at least one grant type');
  for (const grant of grantTypes) {
    if (!(SUPPORTED_GRANT_TYPES as readonly string[]).includes(grant)) problem('grantTypes', `${grant} is not supported; use ${SUPPORTED_GRANT_TYPES.join(', ')}`);
  }
  const allowImplicit = input.allowImplicit === true;
  if (grantTypes.includes('implicit') && !allowImplicit) problem('grantTypes', `implicit is refused unless ${fields.allowImplicit} is true (RFC 9700 §2.1.2)`);
  if (clientType === 'public' && grantTypes.includes('client_credentials')) problem('grantTypes', 'client_credentials needs a confidential client');

  // PKCE.
  const requirePkce = input.requirePkce ?? true;
  if (!requirePkce && clientType === 'public') problem('requirePkce', 'public clients must use PKCE');

  // FAPI 2.0 profile.
  if (fapi2) {
    if (clientType !== 'confidential') problem('fapi2', 'the FAPI 2.0 profile needs a confidential client');
    if (method !== 'private_key_jwt') problem('tokenEndpointAuthMethod', 'the FAPI 2.0 profile needs private_key_jwt');
    if (input.requirePar === false) problem('requirePar', 'the FAPI 2.0 profile needs PAR');
    if (input.requirePkce === false) problem('requirePkce', 'the FAPI 2.0 profile needs PKCE');
    if (input.dpopBound === false) problem('dpopBound', 'the FAPI 2.0 profile needs DPoP-bound tokens');
    if (input.dpopNonceRequired === false) problem('dpopNonceRequired', 'the FAPI 2.0 profile needs DPoP nonces');
    if (allowImplicit) problem('allowImplicit', 'the FAPI 2.0 profile forbids implicit responses');
    if (input.allowPlainPkce === true) problem('allowPlainPkce', 'the FAPI 2.0 profile allows PKCE S256 only');
  }

  // Redirect URIs and origins.
  const redirectUris = unique(input.redirectUris ?? []);
  if (redirectUris.length === 0 && (grantTypes.includes('authorization_code') || grantTypes.includes('implicit'))) {
    problem('redirectUris', 'at least one redirect URI is needed for authorization_code and implicit');
  }
  for (const uri of redirectUris) {
    const why = redirectUriProblem(uri, appType);
    if (why) problem('redirectUris', `${uri.slice(0, 200)} ${why}`);
  }
  const postLogoutRedirectUris = unique(input.postLogoutRedirectUris ?? []);
  for (const uri of postLogoutRedirectUris) {
    const why = redirectUriProblem(uri, appType);
    if (why) problem('postLogoutRedirectUris', `${uri.slice(0, 200)} ${why}`);
  }
  const allowedOrigins = unique(input.allowedOrigins ?? []);
  for (const origin of allowedOrigins) {
    const why = originProblem(origin);
    if (why) problem('allowedOrigins', `${origin.slice(0, 200)} ${why}`);
  }
  if (input.url !== undefined && input.url !== null) {
    const why = httpUrlProblem(input.url, { loopbackHttpOnly: false });
    if (why) problem('url', why);
  }
  if (input.branding?.logoUrl !== undefined && input.branding.logoUrl !== null) {
    const why = httpUrlProblem(input.branding.logoUrl, { loopbackHttpOnly: true });
    if (why) problem('branding', `logoUrl ${why}`);
  }

  // Scopes.
  const scopes = unique(input.scopes ?? DEFAULT_SCOPES);
  for (const scope of scopes) {
    if (!SCOPE_TOKEN.test(scope)) problem('scopes', `${scope.slice(0, 100)} is not a valid scope token (RFC 6749 §3.3: no spaces, quotes or backslashes)`);
  }

  // Name and slug.
  const name = input.name.trim();
  if (name === '') problem('name', 'must not be empty');
  const slugDerived = input.slug === undefined;
  const slug = input.slug ?? slugOf(name);
  if (!SLUG_PATTERN.test(slug)) problem('slug', 'must be lower-case letters and digits separated by single hyphens');

  if (problems.length > 0) throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: problems });

  const secret = method === 'client_secret_basic' || method === 'client_secret_post' ? randomToken(32) : null;
  const client: ClientRecord = {
    id: randomUUID(),
    tenantId,
    clientId: randomToken(18),
    name,
    slug,
    description: input.description ?? null,
    clientType,
    appType,
    status: input.status,
    url: input.url ?? null,
    redirectUris,
    postLogoutRedirectUris,
    allowedGrantTypes: grantTypes as GrantType[],
    allowedScopes: scopes,
    allowedOrigins,
    tokenLifetimes: {
      accessToken: input.tokenLifetimes?.accessToken ?? null,
      refreshToken: input.tokenLifetimes?.refreshToken ?? null,
      idToken: input.tokenLifetimes?.idToken ?? null,
    },
    tokenEndpointAuthMethod: method,
    secretHash: secret === null ? null : hashToken(secret),
    jwks: jwks as ClientJwks | null,
    jwksUri,
    requirePkce: fapi2 || clientType === 'public' ? true : requirePkce,
    allowPlainPkce: input.allowPlainPkce === true,
    dpopBound: fapi2 ? true : input.dpopBound === true,
    dpopNonceRequired: fapi2 ? true : input.dpopNonceRequired === true,
    requirePar: fapi2 ? true : input.requirePar === true,
    fapi2,
    allowImplicit,
    firstParty: input.firstParty === true,
    settings: { ...DEFAULT_SETTINGS, ...definedOnly(input.settings ?? {}) },
    branding: { ...DEFAULT_BRANDING, ...definedOnly(input.branding ?? {}) },
    createdAt: now,
    updatedAt: now,
  };
  return { client, secret, slugDerived };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
