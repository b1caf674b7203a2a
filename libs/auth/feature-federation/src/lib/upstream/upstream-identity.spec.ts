import { STANDARD_CLAIMS } from '../providers/provider-presets';
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

  it('refuses an answer without a subject', () => {
    expect(identityOfClaims({ email: 'a@example.test' }, STANDARD_CLAIMS, 'i')).toBeUndefined();
    expect(identityOfClaims({ sub: { nested: true } }, STANDARD_CLAIMS, 'i')).toBeUndefined();
  });
});
