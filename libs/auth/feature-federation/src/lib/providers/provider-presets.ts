import type { ClaimMapping, ProviderType, UpstreamAuthMethod, UpstreamEndpoints } from '@sigma/auth/data-access-federation';

/** What a well-known provider needs beyond the tenant's client id and secret. */
export interface ProviderPreset {
  name: string;
  displayName: string;
  type: ProviderType;
  scopes: string[];
  endpoints: UpstreamEndpoints;
  tokenEndpointAuthMethod: UpstreamAuthMethod;
  claims: ClaimMapping;
  icon: string;
  color: string;
  requireEmailVerified: boolean;
}

/** OpenID Connect's standard claims (Core §5.1). */
export const STANDARD_CLAIMS: ClaimMapping = {
  subject: 'sub',
  email: 'email',
  emailVerified: 'email_verified',
  name: 'name',
  givenName: 'given_name',
  familyName: 'family_name',
  picture: 'picture',
};

/**
 * The providers seed 000 names. Endpoints are the providers' published ones; a tenant's
 * configuration may replace them as a whole (any endpoint given replaces all of the preset's).
 */
export const PROVIDER_PRESETS: Readonly<Record<string, ProviderPreset>> = {
  google: {
    name: 'Google',
    displayName: 'Continue with Google',
    type: 'oidc',
    scopes: ['openid', 'email', 'profile'],
    endpoints: {
      issuer: 'https://accounts.google.com',
      authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      userInfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
      jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
    },
    tokenEndpointAuthMethod: 'client_secret_basic',
    claims: STANDARD_CLAIMS,
    icon: 'https://developers.google.com/identity/images/g-logo.png',
    color: '#4285f4',
    requireEmailVerified: true,
  },
  github: {
    name: 'GitHub',
    displayName: 'Continue with GitHub',
    type: 'oauth2',
    scopes: ['read:user', 'user:email'],
    endpoints: {
      authUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      userInfoUrl: 'https://api.github.com/user',
      emailsUrl: 'https://api.github.com/user/emails',
    },
    tokenEndpointAuthMethod: 'client_secret_post',
    // GitHub's numeric id is the stable subject; verification comes from the emails endpoint, whose
    // primary address and its `verified` flag are read into these email and email_verified fields.
    claims: { subject: 'id', email: 'email', emailVerified: 'email_verified', name: 'name', givenName: 'given_name', familyName: 'family_name', picture: 'avatar_url' },
    icon: 'github',
    color: '#333333',
    requireEmailVerified: false,
  },
  microsoft: {
    name: 'Microsoft',
    displayName: 'Continue with Microsoft',
    type: 'oidc',
    scopes: ['openid', 'email', 'profile'],
    // Multi-tenant Microsoft Entra ID: discovered; each ID token's issuer names the user's directory.
    endpoints: { issuer: 'https://login.microsoftonline.com/common/v2.0' },
    tokenEndpointAuthMethod: 'client_secret_post',
    // Entra ID does not assert that an email address is verified.
    claims: { subject: 'sub', email: 'email', name: 'name', givenName: 'given_name', familyName: 'family_name', picture: 'picture' },
    icon: 'microsoft',
    color: '#2f2f2f',
    requireEmailVerified: false,
  },
  facebook: {
    name: 'Facebook',
    displayName: 'Continue with Facebook',
    type: 'oauth2',
    scopes: ['email', 'public_profile'],
    endpoints: {
      authUrl: 'https://www.facebook.com/v21.0/dialog/oauth',
      tokenUrl: 'https://graph.facebook.com/v21.0/oauth/access_token',
      userInfoUrl: 'https://graph.facebook.com/v21.0/me?fields=id,name,email,first_name,last_name',
    },
    tokenEndpointAuthMethod: 'client_secret_post',
    claims: { subject: 'id', email: 'email', name: 'name', givenName: 'first_name', familyName: 'last_name', picture: 'picture' },
    icon: 'facebook',
    color: '#1877f2',
    requireEmailVerified: false,
  },
  linkedin: {
    name: 'LinkedIn',
    displayName: 'Continue with LinkedIn',
    type: 'oidc',
    scopes: ['openid', 'profile', 'email'],
    endpoints: {
      issuer: 'https://www.linkedin.com/oauth',
      authUrl: 'https://www.linkedin.com/oauth/v2/authorization',
      tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
      userInfoUrl: 'https://api.linkedin.com/v2/userinfo',
      jwksUri: 'https://www.linkedin.com/oauth/openid/jwks',
    },
    tokenEndpointAuthMethod: 'client_secret_post',
    claims: STANDARD_CLAIMS,
    icon: 'linkedin',
    color: '#0a66c2',
    requireEmailVerified: true,
  },
};

export const PRESET_NAMES = Object.keys(PROVIDER_PRESETS);
