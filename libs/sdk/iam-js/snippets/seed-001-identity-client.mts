import { IdentityClient } from '@sigma/iam-js';

const client = new IdentityClient({
  baseUrl: 'https://identity.smartedify.com',
  clientId: 'your-client-id',
  tenantId: 'your-tenant-id'
});

// Authorization Code Flow with PKCE
const authUrl = await client.getAuthorizationUrl({
  redirectUri: 'https://your-app.com/callback',
  scope: 'openid profile email',
  state: 'random-state'
});

// Exchange code for tokens
const tokens = await client.exchangeCodeForTokens({
  code: 'authorization-code',
  codeVerifier: 'code-verifier',
  redirectUri: 'https://your-app.com/callback'
});

// Use DPoP-bound tokens
const userInfo = await client.getUserInfo(tokens.accessToken);
