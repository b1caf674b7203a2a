import { generateTotpSecret, totpCodeAt, totpStepAt, totpUri, verifyTotp } from './totp';

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (base32), truncated to 6 digits.
  const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

  it('computes the RFC 6238 test vectors', async () => {
    expect(await totpCodeAt(RFC_SECRET, 59)).toBe('287082');
    expect(await totpCodeAt(RFC_SECRET, 1111111109)).toBe('081804');
    expect(await totpCodeAt(RFC_SECRET, 1234567890)).toBe('005924');
  });

  it('accepts the current step and one step either side, answering the step', async () => {
    const now = 1700000000;
    for (const offset of [-30, 0, 30]) {
      expect(await verifyTotp(RFC_SECRET, await totpCodeAt(RFC_SECRET, now + offset), { epochSeconds: now })).toBe(totpStepAt(now + offset));
    }
    expect(await verifyTotp(RFC_SECRET, await totpCodeAt(RFC_SECRET, now - 90), { epochSeconds: now })).toBeUndefined();
    expect(await verifyTotp(RFC_SECRET, await totpCodeAt(RFC_SECRET, now + 90), { epochSeconds: now })).toBeUndefined();
  });

  it('refuses codes of the last used step or earlier (replay)', async () => {
    const now = 1700000000;
    const code = await totpCodeAt(RFC_SECRET, now);
    expect(await verifyTotp(RFC_SECRET, code, { epochSeconds: now, lastUsedStep: totpStepAt(now) })).toBeUndefined();
    expect(await verifyTotp(RFC_SECRET, code, { epochSeconds: now, lastUsedStep: totpStepAt(now) - 1 })).toBe(totpStepAt(now));
    expect(await verifyTotp(RFC_SECRET, 'abcdef', { epochSeconds: now })).toBeUndefined();
  });

  it('generates 160-bit base32 secrets and otpauth URIs', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
    const uri = totpUri('Sigma IAM', 'ada@example.test', secret);
    expect(uri.startsWith('otpauth://totp/')).toBe(true);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);
    expect(new URL(uri).searchParams.get('issuer')).toBe('Sigma IAM');
  });
});
