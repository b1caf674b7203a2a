import { SigmaIAM } from '@sigma/iam-js';

// Initialize the client
const iam = new SigmaIAM({
  baseURL: 'https://your-iam-instance.com',
  clientId: 'your-client-id',
  clientSecret: 'your-client-secret',
  redirectUri: 'https://your-app.com/callback'
});

// Authentication
const { user, accessToken } = await iam.login('user@example.com', 'password');
console.log('Logged in as:', user.full_name);

// Social login
const { user: googleUser } = await iam.loginWithGoogle();

// User management
const profile = await iam.getProfile();
await iam.updateProfile({ fullName: 'John Doe' });

// Role management
const roles = await iam.getUserRoles();
await iam.assignRole(userId, 'admin');

// Client application management
const app = await iam.createApplication({
  client_name: 'My Application',
  client_type: 'confidential',
  redirect_uris: ['https://myapp.com/callback'],
  allowed_grant_types: ['authorization_code', 'refresh_token'],
  allowed_scopes: ['read', 'write']
});

// Get OAuth2 authorization URL
const authUrl = iam.getAuthorizationUrl({
  scope: 'read write',
  state: 'random_state_value',
  codeChallenge: codeChallenge,
  codeChallengeMethod: 'S256'
});
