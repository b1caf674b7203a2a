import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WEBAUTHN_TRANSPORTS, WebauthnTransport } from '@sigma/shared/contracts-internal';
import { Type } from 'class-transformer';
import { ArrayMaxSize, Equals, IsArray, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const base64url = (field: string) => Matches(BASE64URL, { message: `${field} must be base64url` });
const ATTACHMENTS = ['platform', 'cross-platform'];

export class RegistrationOptionsQuery {
  @ApiPropertyOptional({ description: "The signed-in user's username or email (absent: the signed-in user)", example: 'user@example.com' })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  username?: string;

  @ApiPropertyOptional({ description: "Must be the access token's tenant when given", format: 'uuid' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;
}

export class AttestationResponse {
  @ApiProperty({ description: 'base64url' })
  @base64url('response.clientDataJSON')
  @Length(1, 4096)
  clientDataJSON!: string;

  @ApiProperty({ description: 'base64url CBOR' })
  @base64url('response.attestationObject')
  @Length(1, 65536)
  attestationObject!: string;

  @ApiPropertyOptional({ description: 'As getAuthenticatorData() answers it (informational)' })
  @IsOptional()
  @base64url('response.authenticatorData')
  @Length(1, 65536)
  authenticatorData?: string;

  @ApiPropertyOptional({ enum: WEBAUTHN_TRANSPORTS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  transports?: string[];

  @ApiPropertyOptional({ description: 'COSE algorithm (informational)' })
  @IsOptional()
  @IsInt()
  publicKeyAlgorithm?: number;

  @ApiPropertyOptional({ description: 'SPKI public key (informational)' })
  @IsOptional()
  @base64url('response.publicKey')
  @Length(1, 4096)
  publicKey?: string;
}

/** The browser's PublicKeyCredential of navigator.credentials.create(), as JSON (seed 001). */
export class RegistrationResponseRequest {
  @ApiProperty({ description: 'The credential id, base64url' })
  @base64url('id')
  @Length(16, 1364)
  id!: string;

  @ApiProperty({ description: 'Same as id' })
  @base64url('rawId')
  @Length(16, 1364)
  rawId!: string;

  @ApiProperty({ type: AttestationResponse })
  @IsDefined()
  @ValidateNested()
  @Type(() => AttestationResponse)
  response!: AttestationResponse;

  @ApiProperty({ enum: ['public-key'] })
  @Equals('public-key')
  type!: 'public-key';

  @ApiPropertyOptional({ description: "Seed 001: the user's id; must be the signed-in user's when given", format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ enum: ATTACHMENTS })
  @IsOptional()
  @IsIn(ATTACHMENTS)
  authenticatorAttachment?: 'platform' | 'cross-platform';

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  clientExtensionResults?: Record<string, unknown>;
}

export class AssertionOptionsRequest {
  @ApiPropertyOptional({ description: 'Username or email; absent: any discoverable passkey of the tenant may answer', example: 'user@example.com' })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  username?: string;

  @ApiPropertyOptional({ description: 'Absent: the default tenant', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ description: 'The client the tokens are for; absent: the first-party client sigma-iam' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  client_id?: string;
}

export class AssertionResponse {
  @ApiProperty({ description: 'base64url' })
  @base64url('response.clientDataJSON')
  @Length(1, 4096)
  clientDataJSON!: string;

  @ApiProperty({ description: 'base64url' })
  @base64url('response.authenticatorData')
  @Length(37, 65536)
  authenticatorData!: string;

  @ApiProperty({ description: 'base64url' })
  @base64url('response.signature')
  @Length(1, 2048)
  signature!: string;

  @ApiPropertyOptional({ description: 'base64url; for a discoverable passkey, names the user' })
  @IsOptional()
  @base64url('response.userHandle')
  @Length(1, 128)
  userHandle?: string;
}

/** The browser's PublicKeyCredential of navigator.credentials.get(), as JSON (seed 001). */
export class AssertionResponseRequest {
  @ApiProperty({ description: 'The credential id, base64url' })
  @base64url('id')
  @Length(16, 1364)
  id!: string;

  @ApiProperty({ description: 'Same as id' })
  @base64url('rawId')
  @Length(16, 1364)
  rawId!: string;

  @ApiProperty({ type: AssertionResponse })
  @IsDefined()
  @ValidateNested()
  @Type(() => AssertionResponse)
  response!: AssertionResponse;

  @ApiProperty({ enum: ['public-key'] })
  @Equals('public-key')
  type!: 'public-key';

  @ApiPropertyOptional({ enum: ATTACHMENTS })
  @IsOptional()
  @IsIn(ATTACHMENTS)
  authenticatorAttachment?: 'platform' | 'cross-platform';

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  clientExtensionResults?: Record<string, unknown>;
}

/** Transports the directory accepts (others a browser reports are dropped). */
export function knownTransports(transports: readonly string[] | undefined): WebauthnTransport[] {
  return [...new Set((transports ?? []).filter((t): t is WebauthnTransport => (WEBAUTHN_TRANSPORTS as readonly string[]).includes(t)))];
}
