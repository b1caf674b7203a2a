import { amrOf } from './authentication-methods';
import { accessTokenClaimsOf, idTokenClaimsOf, TokenGrant, TokenSubject } from './token-claims';

const subject: TokenSubject = {
  tenantId: '0b6c1f43-61a5-4b0c-8a63-56b6f6b1c7a1',
  userId: '6f1c1c52-3a43-4b52-9d0c-0c1d9f1f1f1f',
  username: 'ada',
  email: 'ada@example.test',
  emailVerified: true,
  firstName: 'Ada',
  lastName: 'Lovelace',
  roles: ['admin'],
  permissions: ['users:read', 'users:write'],
};
const grant: TokenGrant = { clientId: 'sigma-iam', sessionId: '3c0f4a9e-6a0d-4f0e-9a7b-0d7f0c2b9f11', scope: 'openid profile email', authTime: 1000, amr: amrOf() };
const timing = { issuer: 'https://iam.example.test/oauth/tenants/t', issuedAt: 2000, lifetimeSeconds: 900 };

describe('token claims', () => {
  it('builds RFC 9068 access-token claims with tenant, session, client, roles and permissions', () => {
    expect(accessTokenClaimsOf(subject, grant, timing, ['urn:sigma-iam:api'], 'jti-1')).toEqual({
      iss: timing.issuer,
      sub: subject.userId,
      aud: 'urn:sigma-iam:api',
      exp: 2900,
      iat: 2000,
      jti: 'jti-1',
      client_id: 'sigma-iam',
      tid: subject.tenantId,
      sid: grant.sessionId,
      scope: 'openid profile email',
      auth_time: 1000,
      roles: ['admin'],
      permissions: ['users:read', 'users:write'],
    });
    expect(accessTokenClaimsOf(subject, grant, timing, ['urn:sigma-iam:api', 'https://rs.example'], 'j').aud).toEqual(['urn:sigma-iam:api', 'https://rs.example']);
  });

  it('builds ID-token claims for the client, with profile and email claims by scope', () => {
    const claims = idTokenClaimsOf(subject, { ...grant, amr: amrOf('totp') }, { ...timing, lifetimeSeconds: 600 });
    expect(claims).toEqual({
      iss: timing.issuer,
      sub: subject.userId,
      aud: 'sigma-iam',
      exp: 2600,
      iat: 2000,
      auth_time: 1000,
      amr: ['pwd', 'otp', 'mfa'],
      sid: grant.sessionId,
      tid: subject.tenantId,
      preferred_username: 'ada',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@example.test',
      email_verified: true,
    });
    const bare = idTokenClaimsOf({ ...subject, firstName: null, lastName: null }, { ...grant, scope: 'openid' }, timing);
    expect(bare).not.toHaveProperty('email');
    expect(bare).not.toHaveProperty('name');
    expect(bare).not.toHaveProperty('preferred_username');
  });

  it('names the authentication methods of each login path', () => {
    expect(amrOf()).toEqual(['pwd']);
    expect(amrOf('recovery_code')).toEqual(['pwd', 'mfa']);
  });
});
