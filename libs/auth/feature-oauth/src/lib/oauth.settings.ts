import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';

/** Settings of the OAuth protocol endpoints. */
export class OAuthSettings {
  /**
   * Every DPoP proof at the token endpoint must carry a server nonce (RFC 9449 §8; `use_dpop_nonce`
   * hands one out). FAPI 2.0 clients need one regardless.
   */
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  DPOP_REQUIRE_NONCE: boolean = false;
}
