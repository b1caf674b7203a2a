import { Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import type { ClientRecord } from '@sigma/auth/feature-clients';
import type { TenantResponse } from '@sigma/shared/contracts-internal';
import type { FormParams } from '../http/form-params';

/** A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3, RFC 9449 §5). */
export interface OAuthTokenResponse {
  access_token: string;
  /** `DPoP` when the access token is bound to the proof's key (cnf.jkt), else `Bearer`. */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

/** What the token endpoint hands a grant handler once the request is authenticated. */
export interface TokenGrantRequest {
  /** The authenticated (or, for public clients, identified) active client. */
  client: ClientRecord;
  /** The client's tenant. */
  tenant: TenantResponse;
  /** Every form parameter (grant_type and client credentials included), each present once. */
  params: FormParams;
  /** The RFC 7638 thumbprint of the key of a valid DPoP proof; absent without a proof. */
  dpopJkt?: string;
  /** Passed on to the directory (request id). */
  context: CallContext;
}

/**
 * One grant type of the token endpoint. Register with TokenGrantRegistry.register (for example in
 * the registering module's onModuleInit). The endpoint has already authenticated the client,
 * checked that the client may use this grant type, resolved the tenant, and verified the DPoP
 * proof if one came (and refused requests without one from clients that require DPoP). Handlers
 * throw DomainErrors with an RFC 6749 `oauthError` (OAuthErrors helps).
 */
export interface TokenGrantHandler {
  readonly grantType: string;
  handle(request: TokenGrantRequest): Promise<OAuthTokenResponse>;
}

/** The grant types the token endpoint serves, by `grant_type`. */
@Injectable()
export class TokenGrantRegistry {
  private readonly handlers = new Map<string, TokenGrantHandler>();

  register(handler: TokenGrantHandler): void {
    if (this.handlers.has(handler.grantType)) throw new Error(`a handler for grant type ${handler.grantType} is registered already`);
    this.handlers.set(handler.grantType, handler);
  }

  handlerOf(grantType: string): TokenGrantHandler | undefined {
    return this.handlers.get(grantType);
  }

  /** Registered grant types, for discovery's grant_types_supported. */
  grantTypes(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
