import { randomBytes } from 'node:crypto';
import { decodeKey, SecretBox } from './secret-box';
import { constantTimeEqual, hashToken, matchesTokenHash, randomToken } from './tokens';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, in the same context only', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:user-1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'totp:user-1').toString('utf8')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => box.open(sealed, 'totp:user-2')).toThrow();
  });

  it('refuses values sealed under another key or altered', () => {
    const sealed = box.seal('secret', 'ctx');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'ctx')).toThrow();
    const parts = sealed.split('.');
    parts[2] = Buffer.from('other').toString('base64url');
    expect(() => box.open(parts.join('.'), 'ctx')).toThrow();
    expect(() => box.open('garbage', 'ctx')).toThrow('not a sealed secret');
  });

  it('reads keys as hex or base64 and refuses other lengths', () => {
    const key = randomBytes(32);
    expect(decodeKey(key.toString('hex'))).toEqual(key);
    expect(decodeKey(key.toString('base64'))).toEqual(key);
    expect(decodeKey(key.toString('base64url'))).toEqual(key);
    expect(() => decodeKey(randomBytes(16).toString('hex'))).toThrow('32 bytes');
  });
});

describe('opaque tokens', () => {
  it('are random, at least 128 bits, and stored as their SHA-256', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(token);
    expect(() => randomToken(8)).toThrow();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(matchesTokenHash(token, hashToken(token))).toBe(true);
    expect(matchesTokenHash(`${token}x`, hashToken(token))).toBe(false);
  });

  it('matches a stored digest in either hex case and refuses malformed or truncated ones', () => {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(hashToken('abc')).toBe(abc);
    expect(matchesTokenHash('abc', abc)).toBe(true);
    expect(matchesTokenHash('abc', abc.toUpperCase())).toBe(true);
    expect(matchesTokenHash('abd', abc)).toBe(false);
    expect(matchesTokenHash('abc', abc.slice(0, 62))).toBe(false);
    expect(matchesTokenHash('abc', `${abc.slice(0, 62)}zz`)).toBe(false);
    expect(matchesTokenHash('abc', `${abc}00`)).toBe(false);
    expect(matchesTokenHash('abc', '')).toBe(false);
  });

  it('compares strings of any length without throwing', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
