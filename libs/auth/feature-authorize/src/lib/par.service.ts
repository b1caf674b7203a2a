import { Inject, Injectable } from '@nestjs/common';
import { PushedRequestRepository } from '@sigma/auth/data-access-authorize';
import type { ClientRecord } from '@sigma/auth/feature-clients';
import { OAuthErrors } from '@sigma/auth/feature-oauth';
import { CLOCK, Clock } from '@sigma/auth/feature-tokens';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { DataSource } from 'typeorm';
import { PAR_REQUEST_SECONDS, PAR_REQUEST_URI_PREFIX } from './authorize.options';
import { AuthorizationError } from './protocol/authorization-error';
import { authorizationRequestOf, redirectUriOf } from './protocol/authorization-request';

/**
 * Pushed authorization requests (RFC 9126): the authenticated client's parameters are validated
 * as the authorization endpoint would (errors answered here, as JSON, never redirected) and stored
 * under a random request_uri, single use, for 90 seconds. A DPoP proof at PAR binds the code (RFC 9449 §10.1).
 */
@Injectable()
export class ParService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async push(client: ClientRecord, params: Readonly<Record<string, string>>, proofJkt: string | undefined): Promise<{ request_uri: string; expires_in: number }> {
    if (params['request_uri'] !== undefined) throw OAuthErrors.invalidRequest('request_uri is not allowed in a pushed authorization request');
    if (proofJkt !== undefined && params['dpop_jkt'] !== undefined && params['dpop_jkt'] !== proofJkt) throw OAuthErrors.invalidRequest('dpop_jkt differs from the DPoP proof key');
    let request;
    try {
      const redirectUri = redirectUriOf(client, params['redirect_uri']);
      request = authorizationRequestOf(client, redirectUri, { ...params, ...(proofJkt === undefined ? {} : { dpop_jkt: proofJkt }) }, true);
    } catch (error) {
      if (error instanceof AuthorizationError) throw new DomainError(ErrorKind.VALIDATION, error.description, { oauthError: error.error });
      throw error;
    }
    const reference = randomToken();
    const now = this.clock();
    await new PushedRequestRepository(this.dataSource.manager).insert({
      requestUriHash: hashToken(reference),
      tenantId: client.tenantId,
      clientId: client.clientId,
      request,
      createdAt: now,
      expiresAt: new Date(now.getTime() + PAR_REQUEST_SECONDS * 1000),
    });
    return { request_uri: `${PAR_REQUEST_URI_PREFIX}${reference}`, expires_in: PAR_REQUEST_SECONDS };
  }
}
