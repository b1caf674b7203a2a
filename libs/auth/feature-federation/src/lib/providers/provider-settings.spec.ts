import { SecretBox } from '@sigma/shared/util-crypto';
import { DomainError } from '@sigma/shared/util-errors';
import { randomBytes } from 'node:crypto';
import { buildProviderSettings, endpointProblem, isLoopbackHost, providerKeyOf } from './provider-settings';
import type { PutSsoProviderRequest } from './sso-provider.request.dto';

const TENANT = '6f1c1f0e-59c5-4d1a-9f59-0a4f7a1b2c3d';
const ID = '0b7e0f35-3b7d-4f6c-9a8e-1d2c3b4a5f60';
const box = new SecretBox(randomBytes(32));
const now = new Date('2026-11-30T00:00:00Z');

function build(request: Partial<PutSsoProviderRequest> & { config: PutSsoProviderRequest['config'] }) {
  return buildProviderSettings(TENANT, { name: 'Google', ...request } as PutSsoProviderRequest, undefined, box, now, ID);
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.details.map((detail) => detail.field);
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('provider settings', () => {
  it('derives URL names from provider names', () => {
    expect(providerKeyOf('GitHub')).toBe('github');
    expect(providerKeyOf(' Acme  Okta_EU.prod ')).toBe('acme-okta-eu-prod');
  });

  it('allows plain http only toward loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(endpointProblem('http://127.0.0.1:4000/auth')).toBeUndefined();
    expect(endpointProblem('https://idp.example/auth')).toBeUndefined();
    expect(endpointProblem('http://idp.example/auth')).toMatch(/https/);
    expect(endpointProblem('https://user:pw@idp.example/auth')).toMatch(/credentials/);
    expect(endpointProblem('https://idp.example/auth#x')).toMatch(/fragment/);
    expect(endpointProblem('/auth')).toMatch(/absolute/);
  });

  it("applies the google preset's endpoints, scopes and claims, and seals the secret for this provider only", () => {
    const provider = build({ config: { clientId: 'cid', clientSecret: 'top-secret' } });
    expect(provider).toMatchObject({
      key: 'google',
      type: 'oidc',
      preset: 'google',
      scopes: ['openid', 'email', 'profile'],
      endpoints: { issuer: 'https://accounts.google.com', authUrl: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: 'https://oauth2.googleapis.com/token' },
      requireEmailVerified: true,
      autoLinkByEmail: false,
      allowSignup: true,
    });
    expect(provider.clientSecretSealed).not.toContain('top-secret');
    expect(box.open(provider.clientSecretSealed ?? '', `sso-provider:${TENANT}:${ID}`).toString()).toBe('top-secret');
    expect(() => box.open(provider.clientSecretSealed ?? '', `sso-provider:${TENANT}:another`)).toThrow();
  });

  it("replaces the preset's endpoints as a whole when any is given", () => {
    const provider = build({ config: { clientId: 'cid', clientSecret: 's', issuer: 'http://127.0.0.1:4000' } });
    expect(provider.endpoints).toEqual({ issuer: 'http://127.0.0.1:4000' });
    expect(provider.type).toBe('oidc');
  });

  it('builds a generic OAuth 2.0 provider with its claim mapping and a comma-separated scope', () => {
    const provider = build({
      name: 'Acme',
      type: 'oauth2',
      config: { clientId: 'cid', clientSecret: 's', scope: 'read:user, user:email', authUrl: 'https://a.example/auth', tokenUrl: 'https://a.example/token', userInfoUrl: 'https://a.example/me', claims: { subject: 'id' } },
    });
    expect(provider).toMatchObject({ key: 'acme', preset: null, scopes: ['read:user', 'user:email'], displayName: 'Continue with Acme', claims: { subject: 'id', email: 'email' } });
  });

  it('names every problem', () => {
    expect(problemsOf(() => build({ name: 'Acme', type: 'oauth2', config: { clientId: 'cid', authUrl: 'ftp://a.example' } }))).toEqual(
      expect.arrayContaining(['config.authUrl', 'config.tokenUrl', 'config.userInfoUrl', 'config.clientSecret']),
    );
    expect(problemsOf(() => build({ name: 'Acme', type: 'oidc', config: { clientId: 'cid', clientSecret: 's' } }))).toEqual(['config.issuer']);
    expect(problemsOf(() => build({ config: { clientId: 'cid', clientSecret: 's', scope: ['ok', 'not ok'] } }))).toEqual(['config.scope']);
    expect(problemsOf(() => build({ name: '---', config: { clientId: 'cid', clientSecret: 's', issuer: 'https://i.example' } }))).toContain('name');
  });

  it('keeps the stored secret, id and statistics on a replacement without a secret', () => {
    const first = build({ config: { clientId: 'cid', clientSecret: 'kept' } });
    const existing = { ...first, totalLogins: 7 };
    const replaced = buildProviderSettings(TENANT, { name: 'Google', config: { clientId: 'cid2' } } as PutSsoProviderRequest, existing, box, new Date('2026-12-01T00:00:00Z'), 'unused');
    expect(replaced).toMatchObject({ id: ID, clientId: 'cid2', clientSecretSealed: first.clientSecretSealed, totalLogins: 7, createdAt: now });
  });
});
