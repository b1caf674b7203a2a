import { generateCodeChallenge, generateCodeVerifier, generateState } from './pkce';

describe('PKCE helpers', () => {
  it('derives the S256 challenge of RFC 7636 Appendix B', async () => {
    await expect(generateCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes 43-character verifiers from the unreserved alphabet, different every time', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => generateCodeVerifier()));
    expect(verifiers.size).toBe(50);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateState()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses verifiers RFC 7636 does not allow', async () => {
    await expect(generateCodeChallenge('short')).rejects.toThrow(TypeError);
    await expect(generateCodeChallenge(`${'a'.repeat(42)}!`)).rejects.toThrow(TypeError);
  });
});
