import { SIGNING_ALGORITHMS, SigningAlgorithm } from '@sigma/shared/util-auth';
import { IsIn, IsInt, IsUrl, Max, Min } from 'class-validator';

/** How auth-server signs tokens: the issuers' base, the algorithm, and how long a key signs. */
export class TokenSettings {
  /** The suite's public base URL (the gateway); tenant issuers are `<PUBLIC_URL>/oauth/tenants/<tenant id>`. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL: string = 'http://localhost:8080';

  /** Algorithm of new signing keys: ES256 (P-256) or EdDSA (Ed25519). Changing it rotates each tenant's key at its next use. */
  @IsIn(SIGNING_ALGORITHMS)
  TOKEN_SIGNING_ALG: SigningAlgorithm = 'ES256';

  /** A tenant's key is replaced at its first use after this many days; the old one stays published until its tokens expired. */
  @IsInt()
  @Min(1)
  @Max(3650)
  SIGNING_KEY_ROTATION_DAYS: number = 90;
}
