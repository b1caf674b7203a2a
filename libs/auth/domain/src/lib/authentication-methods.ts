/** RFC 8176 authentication method references of the direct login steps. */
export type SecondFactor = 'totp' | 'recovery_code';

/** A password alone: `pwd`. A password and a second factor: `pwd`, the factor's method, `mfa`. */
export function amrOf(secondFactor?: SecondFactor): string[] {
  if (secondFactor === undefined) return ['pwd'];
  return secondFactor === 'totp' ? ['pwd', 'otp', 'mfa'] : ['pwd', 'mfa'];
}
