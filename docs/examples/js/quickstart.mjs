// A Node 20+ script using @sigma/iam-js against a running Sigma IAM suite:
//   npm install @sigma/iam-js
//   SIGMA_IAM_BASE_URL=https://iam.example.com SIGMA_IAM_EMAIL=you@example.com SIGMA_IAM_PASSWORD=... node quickstart.mjs
// It signs in, verifies the access token locally, reads and updates the profile, lists the roles,
// signs out, and shows the typed error a signed-out call gets. Each step prints one JSON line.
import { IAMError, SigmaIAM } from '@sigma/iam-js';

const { SIGMA_IAM_BASE_URL, SIGMA_IAM_EMAIL, SIGMA_IAM_PASSWORD } = process.env;
if (!SIGMA_IAM_BASE_URL || !SIGMA_IAM_EMAIL || !SIGMA_IAM_PASSWORD) {
  console.error('Set SIGMA_IAM_BASE_URL, SIGMA_IAM_EMAIL and SIGMA_IAM_PASSWORD');
  process.exit(2);
}
const step = (name, value) => console.log(JSON.stringify({ step: name, ...value }));

const iam = new SigmaIAM({ baseURL: SIGMA_IAM_BASE_URL });

try {
  const { user, accessToken } = await iam.login(SIGMA_IAM_EMAIL, SIGMA_IAM_PASSWORD);
  step('login', { userId: user.id, email: user.email });

  // Local verification: signature against the tenant's JWKS (cached), issuer, audience, expiry.
  const claims = await iam.verifyToken(accessToken);
  step('verifyToken', { sub: claims.sub, tenant: claims.tid, session: claims.sid });

  await iam.updateProfile({ fullName: 'Quick Start' });
  const profile = await iam.getProfile();
  step('profile', { fullName: profile.full_name });

  const roles = await iam.getUserRoles();
  step('roles', { roles: roles.roles.map((role) => role.slug) });

  await iam.logout();
  step('logout', {});

  await iam.getProfile();
} catch (error) {
  if (!(error instanceof IAMError)) throw error;
  // After logout the client holds no tokens: every call is refused with a typed error.
  step('error', { code: error.code, status: error.status });
  process.exitCode = error.code === 'AUTHENTICATION_REQUIRED' ? 0 : 1;
}
