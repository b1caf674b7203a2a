import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** A nonce is good for its period and the next one (so 5 to 10 minutes). */
const PERIOD_SECONDS = 300;

/**
 * Server-provided DPoP nonces (RFC 9449 §8) without shared state: a nonce is the current period
 * number and an HMAC of it under a key every replica derives from the same secret.
 */
export class DpopNonces {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'sigma-iam dpop nonce', 32));
  }

  current(now: Date): string {
    return this.nonceOf(Math.floor(now.getTime() / 1000 / PERIOD_SECONDS));
  }

  isValid(nonce: string, now: Date): boolean {
    const period = Math.floor(now.getTime() / 1000 / PERIOD_SECONDS);
    return [period, period - 1].some((p) => {
      const expected = Buffer.from(this.nonceOf(p));
      const given = Buffer.from(nonce);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  }

  private nonceOf(period: number): string {
    const mac = createHmac('sha256', this.key).update(String(period)).digest().subarray(0, 18);
    return `${period.toString(36)}.${mac.toString('base64url')}`;
  }
}
