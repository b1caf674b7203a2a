import { IsIn, IsInt, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';

export const AUTHENTICATOR_ATTACHMENTS = ['platform', 'cross-platform', 'any'] as const;
export type AuthenticatorAttachmentSetting = (typeof AUTHENTICATOR_ATTACHMENTS)[number];

/** The WebAuthn relying party auth-server plays for passkeys (seed 001's /webauthn routes). */
export class WebauthnSettings {
  /** The RP ID passkeys are scoped to (a registrable domain suffix of the origins' host); empty: PUBLIC_URL's host. */
  @ValidateIf((settings: WebauthnSettings) => settings.WEBAUTHN_RP_ID !== '')
  @Matches(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'WEBAUTHN_RP_ID must be a lower-case domain name (no scheme, port or path)' })
  WEBAUTHN_RP_ID: string = '';

  /** The name authenticators show for the relying party. */
  @IsString()
  @Length(1, 64)
  WEBAUTHN_RP_NAME: string = 'Sigma IAM';

  /** Comma-separated origins (scheme://host[:port]) whose ceremonies are accepted; empty: PUBLIC_URL's origin. */
  @IsString()
  WEBAUTHN_ORIGINS: string = '';

  /** How long a ceremony may take: the browser's timeout, and (plus 30 s of grace) the challenge's lifetime. */
  @IsInt()
  @Min(15)
  @Max(600)
  WEBAUTHN_TIMEOUT_SECONDS: number = 60;

  /** Which authenticators registration asks for: `platform` (seed 001), `cross-platform` (security keys, phones) or `any`. */
  @IsIn(AUTHENTICATOR_ATTACHMENTS)
  WEBAUTHN_AUTHENTICATOR_ATTACHMENT: AuthenticatorAttachmentSetting = 'platform';
}
