import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryMetadataRegistry } from '@sigma/auth/feature-oauth';

/** The discovery members the authorization endpoint, PAR, device flow and logout stand for (RFC 8414, RFC 9126, RFC 8628, RFC 9207, OIDC). */
@Injectable()
export class AuthorizeMetadata implements OnModuleInit {
  constructor(private readonly metadata: DiscoveryMetadataRegistry) {}

  onModuleInit(): void {
    this.metadata.contribute(({ publicUrl }) => ({
      authorization_endpoint: `${publicUrl}/oauth/authorize`,
      pushed_authorization_request_endpoint: `${publicUrl}/oauth/par`,
      device_authorization_endpoint: `${publicUrl}/oauth/device_authorization`,
      end_session_endpoint: `${publicUrl}/oauth/logout`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      // plain is accepted only from clients registered for it (allow_plain_pkce); S256 is what clients should use (seed 001).
      code_challenge_methods_supported: ['S256'],
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      // Per client (require_par, fapi2); not required of every client.
      require_pushed_authorization_requests: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    }));
  }
}
