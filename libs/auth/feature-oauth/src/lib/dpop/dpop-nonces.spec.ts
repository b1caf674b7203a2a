import { DpopNonces } from './dpop-nonces';

describe('DPoP nonces', () => {
  const secret = Buffer.alloc(32, 7);
  const at = new Date('2026-11-30T10:00:00Z');

  it('accepts a nonce in its period and the next, not later, and not from another secret', () => {
    const nonces = new DpopNonces(secret);
    const nonce = nonces.current(at);
    expect(nonces.isValid(nonce, at)).toBe(true);
    expect(nonces.isValid(nonce, new Date(at.getTime() + 300000))).toBe(true);
    expect(nonces.isValid(nonce, new Date(at.getTime() + 600000))).toBe(false);
    expect(new DpopNonces(Buffer.alloc(32, 8)).isValid(nonce, at)).toBe(false);
    expect(nonces.isValid('garbage', at)).toBe(false);
  });

  it('agrees across replicas sharing the secret', () => {
    expect(new DpopNonces(secret).current(at)).toBe(new DpopNonces(secret).current(at));
  });
});
