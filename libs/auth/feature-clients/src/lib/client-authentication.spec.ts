import { ClientRecord } from '@sigma/auth/data-access-clients';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { authenticateClient, clientAuthenticationOf, JWT_BEARER_ASSERTION_TYPE, PresentedClientAuthentication } from './client-authentication';
import { buildClientRegistration, ClientRegistrationInput } from './client-registration';
import { snakeCaseFieldNames } from './client-options.request.dto';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function registered(input: Partial<ClientRegistrationInput> = {}): { client: ClientRecord; secret: string | null } {
  return buildClientRegistration(randomUUID(), { name: 'App', status: 'active', redirectUris: ['https://a.example/cb'], ...input }, snakeCaseFieldNames('client_name'));
}

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('clientAuthenticationOf', () => {
  it('reads Basic credentials with form-urlencoded parts (RFC 6749 §2.3.1)', () => {
    expect(clientAuthenticationOf({ authorization: basic('my:client', 'p@ss w%rd+'), body: {} })).toEqual({
      method: 'client_secret_basic',
      clientId: 'my:client',
      clientSecret: 'p@ss w%rd+',
    });
  });

  it('reads client_secret_post, assertions and bare client ids', () => {
    expect(clientAuthenticationOf({ body: { client_id: 'c', client_secret: 's' } })).toEqual({ method: 'client_secret_post', clientId: 'c', clientSecret: 's' });
    expect(clientAuthenticationOf({ body: { client_id: 'c', client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: 'a.b.c' } })).toEqual({
      method: 'private_key_jwt',
      clientId: 'c',
      clientAssertion: 'a.b.c',
    });
    expect(clientAuthenticationOf({ body: { client_id: 'c' } })).toEqual({ method: 'none', clientId: 'c' });
  });

  it('refuses two methods at once, malformed Basic and no client at all', () => {
    const twice = failure(() => clientAuthenticationOf({ authorization: basic('c', 's'), body: { client_id: 'c', client_secret: 's' } }));
    expect(twice).toMatchObject({ kind: ErrorKind.VALIDATION, oauthError: 'invalid_request' });
    expect(failure(() => clientAuthenticationOf({ authorization: 'Basic bm9jb2xvbg==', body: {} }))).toMatchObject({ oauthError: 'invalid_client' });
    expect(failure(() => clientAuthenticationOf({ body: {} }))).toMatchObject({ kind: ErrorKind.INVALID_CREDENTIALS, oauthError: 'invalid_client' });
    expect(failure(() => clientAuthenticationOf({ body: { client_id: 'c', client_assertion_type: 'other', client_assertion: 'x' } }))).toMatchObject({ oauthError: 'invalid_client' });
    expect(failure(() => clientAuthenticationOf({ authorization: basic('c', 's'), body: { client_id: 'other' } }))).toMatchObject({ oauthError: 'invalid_request' });
  });
});

describe('authenticateClient', () => {
  const invalidClient = { kind: ErrorKind.INVALID_CREDENTIALS, oauthError: 'invalid_client' };

  it('accepts the registered secret with the registered method only', () => {
    const { client, secret } = registered();
    const presented: PresentedClientAuthentication = { method: 'client_secret_basic', clientId: client.clientId, clientSecret: secret ?? '' };
    expect(authenticateClient(client, presented)).toBe(client);
    expect(failure(() => authenticateClient(client, { ...presented, method: 'client_secret_post' }))).toMatchObject(invalidClient);
    expect(failure(() => authenticateClient(client, { method: 'none', clientId: client.clientId }))).toMatchObject(invalidClient);
  });

  it('refuses a wrong secret, an unknown client and a client that is not active alike', () => {
    const { client, secret } = registered();
    const wrong = failure(() => authenticateClient(client, { method: 'client_secret_basic', clientId: client.clientId, clientSecret: `${secret}x` }));
    const unknown = failure(() => authenticateClient(undefined, { method: 'client_secret_basic', clientId: 'nobody', clientSecret: secret ?? '' }));
    const pending = failure(() => authenticateClient({ ...client, status: 'pending' }, { method: 'client_secret_basic', clientId: client.clientId, clientSecret: secret ?? '' }));
    for (const error of [wrong, unknown, pending]) expect(error).toMatchObject({ ...invalidClient, message: 'client authentication failed' });
  });

  it('accepts public clients by client id and refuses assertions until they are verified', () => {
    const { client } = registered({ clientType: 'public' });
    expect(authenticateClient(client, { method: 'none', clientId: client.clientId })).toBe(client);
    const jwtClient = registered({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://a.example/jwks' }).client;
    expect(failure(() => authenticateClient(jwtClient, { method: 'private_key_jwt', clientId: jwtClient.clientId, clientAssertion: 'a.b.c' }))).toMatchObject(invalidClient);
  });
});
