import type { RelyingParty } from './settings/relying-party';

/** What the passkey features receive from the service shell. */
export interface WebauthnOptions {
  relyingParty: RelyingParty;
  /** Keys the decoy credential ids answered for unknown users (derived from SECRETS_ENCRYPTION_KEY). */
  decoyKey: Buffer;
}

export const WEBAUTHN_OPTIONS = 'SIGMA_WEBAUTHN_OPTIONS';

/** The algorithms passkeys may use: ES256 and RS256 (seed 001's pubKeyCredParams). */
export const SUPPORTED_ALGORITHMS = [-7, -257];

/** A challenge outlives the browser's timeout by this much, for the answer's round trip. */
export const CHALLENGE_GRACE_MS = 30000;
