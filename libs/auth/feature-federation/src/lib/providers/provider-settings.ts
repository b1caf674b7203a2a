import { clientSecretContextOf, type ClaimMapping, type SsoProviderRecord, type UpstreamEndpoints } from '@sigma/auth/data-access-federation';
import type { SecretBox } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind, type FieldProblem } from '@sigma/shared/util-errors';
import { isIP } from 'node:net';
import { PROVIDER_PRESETS, STANDARD_CLAIMS } from './provider-presets';
import type { PutSsoProviderRequest } from './sso-provider.request.dto';

const ENDPOINT_FIELDS = ['issuer', 'discoveryUrl', 'authUrl', 'tokenUrl', 'userInfoUrl', 'jwksUri', 'emailsUrl'] as const;
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const MAX_SCOPES = 30;

/** The URL name of a provider: its name in lower case with spaces, dots and underscores as hyphens (`Acme Okta` → `acme-okta`). */
export function providerKeyOf(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s._]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** True for hosts that never leave the machine (RFC 8252 §7.3's loopback): only they may be spoken to over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Problems of an upstream endpoint URL: absolute https (http only on loopback), no credentials, no fragment. */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) return 'must use https (http only on loopback)';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hash !== '') return 'must not contain a fragment';
  return undefined;
}

function scopesOf(value: unknown, problems: FieldProblem[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const scopes = typeof value === 'string' ? value.split(/[\s,]+/).filter((s) => s !== '') : Array.isArray(value) ? value : undefined;
  if (!scopes || scopes.length > MAX_SCOPES || !scopes.every((s): s is string => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
    problems.push({ field: 'config.scope', message: `must be scope tokens (a space- or comma-separated string or an array, at most ${MAX_SCOPES})` });
    return undefined;
  }
  return [...new Set(scopes)];
}

/**
 * The provider a PUT describes, with the preset's defaults applied, validated (400 naming every
 * problem), its client secret sealed for this provider only. `existing` is the tenant's provider
 * of the same name: it keeps its id, statistics and (when none is given) its secret.
 */
export function buildProviderSettings(tenantId: string, request: PutSsoProviderRequest, existing: SsoProviderRecord | undefined, secretBox: SecretBox, now: Date, newId: string): SsoProviderRecord {
  const problems: FieldProblem[] = [];
  const key = providerKeyOf(request.name);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(key)) problems.push({ field: 'name', message: 'must contain a letter or digit' });
  const presetName = request.preset ?? (PROVIDER_PRESETS[key] ? key : undefined);
  const preset = presetName === undefined ? undefined : PROVIDER_PRESETS[presetName];
  const config = request.config;

  const given = ENDPOINT_FIELDS.filter((field) => config[field] !== undefined);
  const endpoints: UpstreamEndpoints = given.length > 0 ? Object.fromEntries(given.map((field) => [field, config[field]])) : { ...(preset?.endpoints ?? {}) };
  for (const field of given) {
    const problem = endpointProblem(config[field] ?? '');
    if (problem) problems.push({ field: `config.${field}`, message: problem });
  }
  const type = request.type ?? preset?.type ?? (endpoints.issuer !== undefined ? 'oidc' : 'oauth2');
  if (type === 'oidc' && endpoints.issuer === undefined) problems.push({ field: 'config.issuer', message: 'an OpenID Connect provider needs its issuer' });
  if (type === 'oauth2') {
    for (const field of ['authUrl', 'tokenUrl', 'userInfoUrl'] as const) {
      if (endpoints[field] === undefined) problems.push({ field: `config.${field}`, message: 'an OAuth 2.0 provider needs authUrl, tokenUrl and userInfoUrl' });
    }
  }

  let scopes = scopesOf(config.scope, problems) ?? preset?.scopes ?? (type === 'oidc' ? ['openid', 'email', 'profile'] : []);
  if (type === 'oidc' && !scopes.includes('openid')) scopes = ['openid', ...scopes];

  const tokenEndpointAuthMethod = config.tokenEndpointAuthMethod ?? preset?.tokenEndpointAuthMethod ?? 'client_secret_basic';
  const id = existing?.id ?? newId;
  let clientSecretSealed: string | null = null;
  if (tokenEndpointAuthMethod !== 'none') {
    if (config.clientSecret !== undefined) clientSecretSealed = secretBox.seal(config.clientSecret, clientSecretContextOf(tenantId, id));
    else if (existing?.clientSecretSealed) clientSecretSealed = existing.clientSecretSealed;
    else problems.push({ field: 'config.clientSecret', message: `is required with ${tokenEndpointAuthMethod}` });
  }
  if (problems.length > 0) throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: problems });

  const claims: ClaimMapping = { ...(preset?.claims ?? STANDARD_CLAIMS), ...definedOf(config.claims ?? {}) };
  const metadata = request.metadata ?? {};
  return {
    id,
    tenantId,
    key,
    name: request.name.trim(),
    displayName: request.displayName ?? (presetName !== undefined && preset?.name.toLowerCase() === key ? preset.displayName : `Continue with ${request.name.trim()}`),
    type,
    preset: presetName ?? null,
    enabled: request.enabled ?? true,
    clientId: config.clientId,
    clientSecretSealed,
    scopes,
    endpoints,
    tokenEndpointAuthMethod,
    claims,
    icon: request.icon ?? preset?.icon ?? null,
    color: request.color ?? preset?.color ?? null,
    allowSignup: metadata.allowSignup ?? true,
    requireEmailVerified: metadata.requireEmailVerified ?? preset?.requireEmailVerified ?? false,
    autoLinkByEmail: metadata.autoLinkByEmail ?? false,
    totalLogins: existing?.totalLogins ?? 0,
    lastLoginAt: existing?.lastLoginAt ?? null,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
}

function definedOf<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
