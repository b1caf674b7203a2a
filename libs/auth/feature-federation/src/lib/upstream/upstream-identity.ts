import type { ClaimMapping } from '@sigma/auth/data-access-federation';

/** Who the upstream provider says signed in, in the terms the directory links and creates users by. */
export interface UpstreamIdentity {
  /** The namespace the subject is unique in: the ID token's issuer, or the OAuth 2.0 provider's user-info URL. */
  issuer: string;
  subject: string;
  email?: string;
  emailVerified: boolean;
  firstName?: string;
  lastName?: string;
  picture?: string;
  /** RFC 8176 methods the provider reports (ID token `amr`), if any. */
  amr: string[];
}

type Claims = Readonly<Record<string, unknown>>;

function stringOf(value: unknown, max: number): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, max);
}

/** OIDC's email_verified is a boolean; some providers send "true". */
function booleanOf(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * The identity in an upstream answer (ID token claims merged with user info), read through the
 * provider's claim mapping. The subject must be present; `emailVerified` is true only when the
 * provider asserts it.
 */
export function identityOfClaims(claims: Claims, mapping: ClaimMapping, issuer: string): UpstreamIdentity | undefined {
  const subject = stringOf(claims[mapping.subject], 255);
  if (subject === undefined) return undefined;
  const email = stringOf(claims[mapping.email], 320)?.toLowerCase();
  let firstName = stringOf(claims[mapping.givenName], 100);
  let lastName = stringOf(claims[mapping.familyName], 100);
  const name = stringOf(claims[mapping.name], 200);
  if (firstName === undefined && lastName === undefined && name !== undefined) {
    const [first, ...rest] = name.split(/\s+/);
    firstName = first.slice(0, 100);
    lastName = rest.length > 0 ? rest.join(' ').slice(0, 100) : undefined;
  }
  const amr = Array.isArray(claims['amr']) ? claims['amr'].filter((value): value is string => typeof value === 'string' && /^[a-z]{2,16}$/.test(value)) : [];
  return {
    issuer,
    subject,
    email,
    emailVerified: email !== undefined && mapping.emailVerified !== undefined && booleanOf(claims[mapping.emailVerified]),
    firstName,
    lastName,
    picture: stringOf(claims[mapping.picture], 2048),
    amr,
  };
}
