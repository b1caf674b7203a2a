import { randomBytes } from 'node:crypto';
import { decoyCredentialIdOf, decoyKeyOf } from './decoy-credentials';
import { displayNameOf, namesUser, passkeyAmrOf, userHandleOf } from './user-handle';
import { knownTransports } from './webauthn.request.dto';

describe('passkey ceremony values', () => {
  it('gives a user the 16 bytes of their id as user handle', () => {
    expect(Buffer.from(userHandleOf('0f8fad5b-d9cb-469f-a165-70867728950e'), 'base64url').toString('hex')).toBe('0f8fad5bd9cb469fa16570867728950e');
  });

  it('takes a username or an email, case-insensitively, as naming a user', () => {
    const user = { username: 'jdoe', email: 'John.Doe@example.test' };
    expect(namesUser(' JDOE ', user)).toBe(true);
    expect(namesUser('john.doe@EXAMPLE.test', user)).toBe(true);
    expect(namesUser('jdoe2', user)).toBe(false);
  });

  it('shows the full name when known, else the username', () => {
    expect(displayNameOf({ username: 'jdoe', first_name: 'John', last_name: 'Doe' })).toBe('John Doe');
    expect(displayNameOf({ username: 'jdoe', first_name: null, last_name: ' ' })).toBe('jdoe');
  });

  it('names device-bound and synced passkeys apart in amr, both multi-factor', () => {
    expect(passkeyAmrOf('singleDevice')).toEqual(['hwk', 'mfa']);
    expect(passkeyAmrOf('multiDevice')).toEqual(['swk', 'mfa']);
  });

  it('answers a stable decoy per tenant and username that depends on the key', () => {
    const key = decoyKeyOf(randomBytes(32));
    const tenant = '6b0d6f3e-2a55-4c1d-9d7e-0c5b0f1f2a3b';
    const decoy = decoyCredentialIdOf(key, tenant, 'Nobody@Example.test');
    expect(decoy).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(decoyCredentialIdOf(key, tenant, ' nobody@example.test ')).toBe(decoy);
    expect(decoyCredentialIdOf(key, '00000000-0000-4000-8000-000000000000', 'nobody@example.test')).not.toBe(decoy);
    expect(decoyCredentialIdOf(decoyKeyOf(randomBytes(32)), tenant, 'nobody@example.test')).not.toBe(decoy);
  });

  it('keeps the transports WebAuthn names, once each', () => {
    expect(knownTransports(['internal', 'usb', 'internal', 'carrier-pigeon'])).toEqual(['internal', 'usb']);
    expect(knownTransports(undefined)).toEqual([]);
  });
});
