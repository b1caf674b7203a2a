import { decideSigningKey, isPublished, KEY_PUBLICATION_TOLERANCE_SECONDS, publishUntilOf, SigningKeyLifecycle } from './signing-key-rotation';

const DAY = 86400;
const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY * 1000);
const key = (overrides: Partial<SigningKeyLifecycle> = {}): SigningKeyLifecycle => ({
  kid: 'k1',
  alg: 'ES256',
  activatedAt: daysAgo(1),
  retiredAt: null,
  publishUntil: null,
  ...overrides,
});

describe('signing key rotation', () => {
  const policy = { algorithm: 'ES256' as const, maxAgeSeconds: 90 * DAY };

  it('creates a key for a tenant that has none', () => {
    expect(decideSigningKey(undefined, policy, now)).toBe('create');
  });

  it('keeps a key younger than the rotation age and rotates one that reached it', () => {
    expect(decideSigningKey(key({ activatedAt: daysAgo(89) }), policy, now)).toBe('keep');
    expect(decideSigningKey(key({ activatedAt: daysAgo(90) }), policy, now)).toBe('rotate');
  });

  it('rotates when the configured algorithm changed', () => {
    expect(decideSigningKey(key(), { ...policy, algorithm: 'EdDSA' }, now)).toBe('rotate');
  });

  it('publishes a retired key until the longest token it signed expired, plus clock tolerance', () => {
    const until = publishUntilOf(now, 900);
    expect(until.getTime() - now.getTime()).toBe((900 + KEY_PUBLICATION_TOLERANCE_SECONDS) * 1000);
    const retired = key({ retiredAt: now, publishUntil: until });
    expect(isPublished(retired, new Date(until.getTime() - 1))).toBe(true);
    expect(isPublished(retired, until)).toBe(false);
    expect(isPublished(key(), daysAgo(-400))).toBe(true);
  });
});
