import { ContextualTokenFacts, contextualTokenReasonOf } from './contextual-token.verdict';

const NOW = 1_800_000_000;
const good: ContextualTokenFacts = { signatureValid: true, expiresAt: NOW + 60, audiences: ['attendance-system'], record: { revoked: false, used: false, singleUse: true } };

describe('contextualTokenReasonOf', () => {
  it('accepts a valid, unexpired, unused token for its audience', () => {
    expect(contextualTokenReasonOf(good, 'attendance-system', NOW)).toBeUndefined();
  });

  it('names the signature first, whatever else is wrong', () => {
    expect(contextualTokenReasonOf({ ...good, signatureValid: false, expiresAt: NOW - 1, audiences: [] }, 'attendance-system', NOW)).toBe('bad_signature');
  });

  it('names expiry (at exp exactly) before the audience', () => {
    expect(contextualTokenReasonOf({ ...good, expiresAt: NOW, audiences: ['other'] }, 'attendance-system', NOW)).toBe('expired');
  });

  it('names a wrong audience', () => {
    expect(contextualTokenReasonOf(good, 'door-system', NOW)).toBe('wrong_audience');
  });

  it('names revocation, and a token with no stored state as revoked', () => {
    expect(contextualTokenReasonOf({ ...good, record: { revoked: true, used: false, singleUse: false } }, 'attendance-system', NOW)).toBe('revoked');
    expect(contextualTokenReasonOf({ ...good, record: undefined }, 'attendance-system', NOW)).toBe('revoked');
  });

  it('refuses a used single-use token but accepts a used multi-use one', () => {
    expect(contextualTokenReasonOf({ ...good, record: { revoked: false, used: true, singleUse: true } }, 'attendance-system', NOW)).toBe('already_used');
    expect(contextualTokenReasonOf({ ...good, record: { revoked: false, used: true, singleUse: false } }, 'attendance-system', NOW)).toBeUndefined();
  });
});
