import { OAuthTokenResponse, TokenGrantHandler, TokenGrantRegistry } from './token-grant';

const handler = (grantType: string): TokenGrantHandler => ({
  grantType,
  handle: async (): Promise<OAuthTokenResponse> => ({ access_token: grantType, token_type: 'Bearer', expires_in: 1 }),
});

describe('TokenGrantRegistry', () => {
  it('dispatches by grant_type and lists the registered grant types', async () => {
    const registry = new TokenGrantRegistry();
    registry.register(handler('refresh_token'));
    registry.register(handler('client_credentials'));
    expect(registry.grantTypes()).toEqual(['client_credentials', 'refresh_token']);
    expect(registry.handlerOf('password')).toBeUndefined();
    expect(registry.handlerOf('client_credentials')?.grantType).toBe('client_credentials');
  });

  it('refuses a second handler for one grant type', () => {
    const registry = new TokenGrantRegistry();
    registry.register(handler('client_credentials'));
    expect(() => registry.register(handler('client_credentials'))).toThrow('registered already');
  });
});
