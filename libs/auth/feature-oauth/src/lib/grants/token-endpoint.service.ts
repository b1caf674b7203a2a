import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecord } from '@sigma/auth/feature-clients';
import { RequestMeta, TenantLookupService } from '@sigma/auth/feature-tokens';
import { OAuthClientAuthenticator } from '../client-auth/client-authenticator.service';
import { DpopProofVerifier } from '../dpop/dpop-proof.verifier';
import { FormParams } from '../http/form-params';
import { AUTH_OAUTH_OPTIONS, AuthOAuthOptions } from '../oauth-options';
import { OAuthErrors } from '../oauth-errors';
import { OAuthTokenResponse, TokenGrantRegistry } from './token-grant';

/** A token request as the controller read it. */
export interface TokenEndpointRequest {
  params: FormParams;
  /** `tenant_id` from the query (the form's is in params). */
  queryTenantId?: string;
  authorization?: string;
  dpop?: string;
  path: string;
  /** The URLs a DPoP proof may name as htu (dpopUrlsOf). */
  dpopUrls: string[];
  meta: RequestMeta;
}

/** A token response and the DPoP nonce to send with it, if the client must use nonces. */
export interface TokenEndpointResult {
  tokens: OAuthTokenResponse;
  dpopNonce?: string;
}

/**
 * DPoP nonces (RFC 9449 §8) are required from every client when configured (DPOP_REQUIRE_NONCE),
 * from clients registered with `dpop_nonce_required`, and from FAPI 2.0 clients always.
 */
export function requiresDpopNonce(client: Pick<ClientRecord, 'dpopNonceRequired' | 'fapi2'>, options: Pick<AuthOAuthOptions, 'requireDpopNonce'>): boolean {
  return options.requireDpopNonce || client.dpopNonceRequired || client.fapi2;
}

/**
 * The token endpoint (RFC 6749 §3.2): authenticates the client, checks it may use the grant
 * type, verifies the DPoP proof if one came (RFC 9449 §5; clients registered for DPoP-bound
 * tokens must send one), checks the client's tenant is active, and hands the request to the
 * grant's registered handler.
 */
@Injectable()
export class TokenEndpointService {
  constructor(
    private readonly grants: TokenGrantRegistry,
    private readonly authenticator: OAuthClientAuthenticator,
    private readonly dpop: DpopProofVerifier,
    private readonly tenants: TenantLookupService,
    @Inject(AUTH_OAUTH_OPTIONS) private readonly options: AuthOAuthOptions,
  ) {}

  async exchange(request: TokenEndpointRequest): Promise<TokenEndpointResult> {
    const { params } = request;
    const grantType = params['grant_type'];
    if (grantType === undefined) throw OAuthErrors.invalidRequest('grant_type is missing');
    const tenantHint = tenantHintOf(params['tenant_id'], request.queryTenantId);
    const { client } = await this.authenticator.authenticate({ authorization: request.authorization, body: params }, tenantHint, 'token', request.path);
    request.meta.identify({ tenantId: client.tenantId, clientId: client.clientId });

    const handler = this.grants.handlerOf(grantType);
    if (!handler) throw OAuthErrors.unsupportedGrantType(`grant_type ${grantType} is not supported`);
    if (!(client.allowedGrantTypes as string[]).includes(grantType)) throw OAuthErrors.unauthorizedClient(`the client may not use grant_type ${grantType}`);

    const nonceRequired = requiresDpopNonce(client, this.options);
    let dpopJkt: string | undefined;
    if (request.dpop !== undefined) {
      dpopJkt = (await this.dpop.verify(request.dpop, { method: 'POST', urls: request.dpopUrls, nonceRequired })).jkt;
    } else if (client.dpopBound || client.fapi2) {
      throw OAuthErrors.invalidDpopProof('the client must send a DPoP proof (dpop_bound_access_tokens)');
    }

    const tenant = await this.tenants.resolve(client.tenantId, { requestId: request.meta.requestId });
    // A suspended or deactivated tenant's clients get no tokens (its record is cached up to 30 s, ADR 11).
    if (tenant.status !== 'active') throw OAuthErrors.invalidClient('the client\'s tenant is not active');
    const tokens = await handler.handle({ client, tenant, params, dpopJkt, context: { requestId: request.meta.requestId } });
    return { tokens, dpopNonce: nonceRequired ? this.dpop.currentNonce() : undefined };
  }
}

/** The tenant a request names in the query or the form; both must agree. */
export function tenantHintOf(formValue: string | undefined, queryValue: string | undefined): string | undefined {
  if (formValue !== undefined && queryValue !== undefined && formValue !== queryValue) throw OAuthErrors.invalidRequest('tenant_id differs between query and body');
  return formValue ?? queryValue;
}
