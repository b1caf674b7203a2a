import { generate, generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 parameters every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the previous and the next step are accepted too (clock drift between phone and server). */
export const TOTP_TOLERANCE_STEPS = 1;

/** A new random TOTP secret, base32, 160 bits (RFC 4226's recommended length). */
export function generateTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://totp/...` URI an authenticator app scans. */
export function totpUri(issuer: string, account: string, secret: string): string {
  return generateURI({ issuer, label: account, secret, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS });
}

/** The time step a moment falls into. */
export function totpStepAt(epochSeconds: number): number {
  return Math.floor(epochSeconds / TOTP_PERIOD_SECONDS);
}

/** The code of a secret at a moment (tests and tooling; the server only verifies). */
export function totpCodeAt(secret: string, epochSeconds: number): Promise<string> {
  return generate({ secret, epoch: epochSeconds, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS });
}

/**
 * Checks a code against the current step ±1. Answers the step the code belongs to, or undefined
 * when it matches none of them or belongs to `lastUsedStep` or an earlier step (a replayed code).
 * The caller stores the answered step as the new last used step.
 */
export async function verifyTotp(secret: string, code: string, options: { lastUsedStep?: number; epochSeconds?: number } = {}): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    epoch: options.epochSeconds ?? Math.floor(Date.now() / 1000),
    epochTolerance: TOTP_TOLERANCE_STEPS * TOTP_PERIOD_SECONDS,
    ...(options.lastUsedStep === undefined ? {} : { afterTimeStep: options.lastUsedStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
