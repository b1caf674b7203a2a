import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientRegistry } from '@sigma/auth/feature-clients';
import { DiscoveryMetadataRegistry } from '@sigma/auth/feature-oauth';

/**
 * The discovery members the authorization endpoint, PAR, device flow and logout stand for (RFC
 * 8414, RFC 9126, RFC 8628, RFC 9207, OIDC). What only some clients may use is listed when at
 * least one active client of the tenant is registered for it (ADR 15): PKCE `plain`
 * (allow_plain_pkce) and implicit responses (allow_implicit with the implicit grant: response type
 * `token`, response mode `fragment`, grant type `implicit`). Request objects are not supported.
 */
@Injectable()
export class AuthorizeMetadata implements OnModuleInit {
  constructor(
    private readonly metadata: DiscoveryMetadataRegistry,
    private readonly clients: ClientRegistry,
  ) {}

  onModuleInit(): void {
    this.metadata.contribute(async ({ publicUrl, tenantId }) => {
      const options = await this.clients.tenantProtocolOptions(tenantId);
      return {
        authorization_endpoint: `${publicUrl}/oauth/authorize`,
        pushed_authorization_request_endpoint: `${publicUrl}/oauth/par`,
        device_authorization_endpoint: `${publicUrl}/oauth/device_authorization`,
        end_session_endpoint: `${publicUrl}/oauth/logout`,
        response_types_supported: options.implicit ? ['code', 'token'] : ['code'],
        response_modes_supported: options.implicit ? ['query', 'fragment'] : ['query'],
        ...(options.implicit ? { grant_types_supported: ['implicit'] } : {}),
        code_challenge_methods_supported: options.plainPkce ? ['S256', 'plain'] : ['S256'],
        prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
        // Per client (require_par, fapi2); not required of every client.
        require_pushed_authorization_requests: false,
        // No request objects (JAR), by value or by reference; PAR's request_uri works regardless (RFC 9126 §5).
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
      };
    });
  }
}
