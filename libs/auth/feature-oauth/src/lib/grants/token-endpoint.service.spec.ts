import type { ClientRecord } from '@sigma/auth/feature-clients';
import type { RequestMeta, TenantLookupService } from '@sigma/auth/feature-tokens';
import type { TenantResponse } from '@sigma/shared/contracts-internal';
import { DomainError } from '@sigma/shared/util-errors';
import type { OAuthClientAuthenticator } from '../client-auth/client-authenticator.service';
import type { DpopProofVerifier } from '../dpop/dpop-proof.verifier';
import { TokenEndpointService } from './token-endpoint.service';
import { TokenGrantRegistry } from './token-grant';

const TENANT_ID = '3f1c2b9e-8a4d-4e2f-9b1a-7c6d5e4f3a2b';

describe('TokenEndpointService', () => {
  const client = { clientId: 'c1', tenantId: TENANT_ID, allowedGrantTypes: ['client_credentials'], dpopBound: false, dpopNonceRequired: false, fapi2: false } as unknown as ClientRecord;
  let tenant: TenantResponse;
  let issued: number;
  let endpoint: TokenEndpointService;
  const meta: RequestMeta = { requestId: 'req_1', identify: () => undefined };
  const exchange = () => endpoint.exchange({ params: { grant_type: 'client_credentials' }, path: '/oauth/token', dpopUrls: ['https://iam.example.test/oauth/token'], meta });

  beforeEach(() => {
    issued = 0;
    tenant = { id: TENANT_ID, status: 'active' } as TenantResponse;
    const grants = new TokenGrantRegistry();
    grants.register({
      grantType: 'client_credentials',
      handle: async () => {
        issued += 1;
        return { access_token: 'at', token_type: 'Bearer', expires_in: 900 };
      },
    });
    const authenticator = { authenticate: async () => ({ client, method: 'client_secret_basic' }) } as unknown as OAuthClientAuthenticator;
    const tenants = { resolve: async () => tenant } as unknown as TenantLookupService;
    endpoint = new TokenEndpointService(grants, authenticator, {} as DpopProofVerifier, tenants, { publicUrl: 'https://iam.example.test', nonceSecret: Buffer.alloc(32), requireDpopNonce: false });
  });

  it('hands an active tenant client to the grant', async () => {
    expect((await exchange()).tokens.access_token).toBe('at');
    expect(issued).toBe(1);
  });

  it.each(['suspended', 'inactive'])('refuses the clients of a %s tenant with invalid_client, issuing nothing', async (status) => {
    tenant = { ...tenant, status };
    const error = await exchange().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).oauthError).toBe('invalid_client');
    expect(issued).toBe(0);
  });
});
