import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { KeyObject } from 'node:crypto';
import { encodedHeaderOf, signCompactJwt } from './token-signer.service';

describe('signCompactJwt', () => {
  const claims = { iss: 'https://iam.example.test/oauth/tenants/t', sub: 'client', aud: 'urn:sigma-iam:api', scope: 'api:read', iat: 1_700_000_000, exp: 4_000_000_000, jti: 'j1' };

  it.each([['ES256' as const], ['EdDSA' as const]])('signs %s tokens that jose verifies with the public key', async (alg) => {
    const pair = await generateKeyPair(alg, { extractable: true });
    const token = await signCompactJwt(encodedHeaderOf(alg, 'kid-1', 'at+jwt'), claims, alg, KeyObject.from(pair.privateKey));
    const publicKey = await importJWK(await exportJWK(pair.publicKey), alg);
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, { algorithms: [alg], typ: 'at+jwt', audience: 'urn:sigma-iam:api' });
    expect(protectedHeader).toEqual({ alg, kid: 'kid-1', typ: 'at+jwt' });
    expect(payload).toEqual(claims);
  });

  it('writes ES256 signatures as the 64-byte R||S pair (RFC 7518 §3.4), not DER', async () => {
    const pair = await generateKeyPair('ES256');
    const token = await signCompactJwt(encodedHeaderOf('ES256', 'k', 'JWT'), claims, 'ES256', KeyObject.from(pair.privateKey));
    expect(Buffer.from(token.split('.')[2], 'base64url')).toHaveLength(64);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'k', typ: 'JWT' });
  });

  it('produces a signature another key does not verify', async () => {
    const signing = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const token = await signCompactJwt(encodedHeaderOf('ES256', 'k', 'JWT'), claims, 'ES256', KeyObject.from(signing.privateKey));
    await expect(jwtVerify(token, other.publicKey)).rejects.toThrow('signature verification failed');
  });
});
