import { PROVIDER_PRESETS, STANDARD_CLAIMS } from '../providers/provider-presets';
import { identityOfClaims } from './upstream-identity';

describe('identityOfClaims', () => {
  it('reads the standard claims; the email counts as verified only when the provider says so', () => {
    const identity = identityOfClaims({ sub: 'abc', email: 'A@Example.test', email_verified: true, given_name: 'Ann', family_name: 'Lee', amr: ['pwd', 'Not Valid'] }, STANDARD_CLAIMS, 'https://issuer.example');
    expect(identity).toEqual({ issuer: 'https://issuer.example', subject: 'abc', email: 'a@example.test', emailVerified: true, firstName: 'Ann', lastName: 'Lee', picture: undefined, amr: ['pwd'] });
    expect(identityOfClaims({ sub: 'abc', email: 'a@example.test', email_verified: 'false' }, STANDARD_CLAIMS, 'i')?.emailVerified).toBe(false);
    expect(identityOfClaims({ sub: 'abc', email: 'a@example.test' }, STANDARD_CLAIMS, 'i')?.emailVerified).toBe(false);
  });

  it('splits a full name and maps numeric subjects (GitHub ids)', () => {
    const mapping = { subject: 'id', email: 'email', name: 'name', givenName: 'given_name', familyName: 'family_name', picture: 'avatar_url' };
    expect(identityOfClaims({ id: 583231, name: 'The Octo Cat', email: 'octo@example.test', avatar_url: 'https://a.example/1' }, mapping, 'https://api.github.com/user')).toMatchObject({
      subject: '583231',
      firstName: 'The',
      lastName: 'Octo Cat',
      emailVerified: false,
      picture: 'https://a.example/1',
    });
  });

  it("with the GitHub preset, takes the verification from the emails endpoint's primary address (merged as email_verified)", () => {
    const profile = { id: 583231, name: 'Mona Lisa Octocat', email: null, avatar_url: 'https://a.example/1' };
    const github = PROVIDER_PRESETS['github'].claims;
    expect(identityOfClaims({ ...profile, email: 'mona@example.test', email_verified: true }, github, 'https://api.github.com/user')).toMatchObject({ email: 'mona@example.test', emailVerified: true });
    expect(identityOfClaims({ ...profile, email: 'mona@example.test', email_verified: false }, github, 'https://api.github.com/user')?.emailVerified).toBe(false);
    // No emails answer: the profile's address alone is never taken as verified.
    expect(identityOfClaims({ ...profile, email: 'mona@example.test' }, github, 'https://api.github.com/user')?.emailVerified).toBe(false);
  });

  it('refuses an answer without a subject', () => {
    expect(identityOfClaims({ email: 'a@example.test' }, STANDARD_CLAIMS, 'i')).toBeUndefined();
    expect(identityOfClaims({ sub: { nested: true } }, STANDARD_CLAIMS, 'i')).toBeUndefined();
  });
});
