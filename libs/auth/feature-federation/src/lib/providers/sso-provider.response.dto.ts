import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SsoProviderRecord } from '@sigma/auth/data-access-federation';

/** A provider's `config` as answered: never the client secret. */
export class SsoProviderConfigResponse {
  @ApiProperty() clientId!: string;
  @ApiProperty({ type: [String] }) scope!: string[];
  @ApiPropertyOptional() issuer?: string;
  @ApiPropertyOptional() discoveryUrl?: string;
  @ApiPropertyOptional() authUrl?: string;
  @ApiPropertyOptional() tokenUrl?: string;
  @ApiPropertyOptional() userInfoUrl?: string;
  @ApiPropertyOptional() jwksUri?: string;
  @ApiPropertyOptional() emailsUrl?: string;
  @ApiProperty({ enum: ['client_secret_basic', 'client_secret_post', 'none'] }) tokenEndpointAuthMethod!: string;
  @ApiProperty({ description: 'Whether a client secret is stored (it is never answered)' }) clientSecretSet!: boolean;
  @ApiProperty({ description: 'Claim names read for subject, email, emailVerified, name, givenName, familyName, picture' }) claims!: Record<string, string>;
}

export class SsoProviderMetadataResponse {
  @ApiProperty() allowSignup!: boolean;
  @ApiProperty() requireEmailVerified!: boolean;
  @ApiProperty() autoLinkByEmail!: boolean;
}

export class SsoProviderStatisticsResponse {
  @ApiProperty() totalLogins!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastLogin!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** Seed 002's SSO provider. */
export class SsoProviderResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Google' }) name!: string;
  @ApiProperty({ example: 'google', description: 'URL name: /api/v1/auth/social/{key}, ?provider={key}' }) key!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ['oauth2', 'oidc'] }) type!: string;
  @ApiProperty({ nullable: true, type: String }) preset!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: SsoProviderConfigResponse }) config!: SsoProviderConfigResponse;
  @ApiProperty({ nullable: true, type: String }) icon!: string | null;
  @ApiProperty({ nullable: true, type: String }) color!: string | null;
  @ApiProperty({ type: SsoProviderMetadataResponse }) metadata!: SsoProviderMetadataResponse;
  @ApiProperty({ type: SsoProviderStatisticsResponse }) statistics!: SsoProviderStatisticsResponse;
}

export function ssoProviderResponseOf(provider: SsoProviderRecord): SsoProviderResponse {
  return {
    id: provider.id,
    name: provider.name,
    key: provider.key,
    displayName: provider.displayName,
    type: provider.type,
    preset: provider.preset,
    enabled: provider.enabled,
    config: {
      clientId: provider.clientId,
      scope: [...provider.scopes],
      ...provider.endpoints,
      tokenEndpointAuthMethod: provider.tokenEndpointAuthMethod,
      clientSecretSet: provider.clientSecretSealed !== null,
      claims: Object.fromEntries(Object.entries(provider.claims).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    },
    icon: provider.icon,
    color: provider.color,
    metadata: { allowSignup: provider.allowSignup, requireEmailVerified: provider.requireEmailVerified, autoLinkByEmail: provider.autoLinkByEmail },
    statistics: {
      totalLogins: provider.totalLogins,
      lastLogin: provider.lastLoginAt?.toISOString() ?? null,
      createdAt: provider.createdAt.toISOString(),
      updatedAt: provider.updatedAt.toISOString(),
    },
  };
}
