import { relyingPartyOf } from './relying-party';
import { WebauthnSettings } from './webauthn.settings';

function settings(overrides: Partial<WebauthnSettings> = {}): WebauthnSettings {
  return Object.assign(new WebauthnSettings(), overrides);
}

describe('relyingPartyOf', () => {
  it("defaults to PUBLIC_URL's host as RP ID and its origin as the only origin", () => {
    expect(relyingPartyOf(settings(), 'https://iam.example.com/')).toEqual({
      id: 'iam.example.com',
      name: 'Sigma IAM',
      origins: ['https://iam.example.com'],
      timeoutMs: 60000,
      attachment: 'platform',
    });
    expect(relyingPartyOf(settings(), 'http://localhost:8080')).toMatchObject({ id: 'localhost', origins: ['http://localhost:8080'] });
  });

  it('takes configured origins under a parent-domain RP ID, once each', () => {
    const rp = relyingPartyOf(settings({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://login.example.com, https://example.com,https://example.com' }), 'https://iam.example.com');
    expect(rp).toMatchObject({ id: 'example.com', origins: ['https://login.example.com', 'https://example.com'] });
  });

  it('refuses at boot what no browser would accept, naming the setting', () => {
    expect(() => relyingPartyOf(settings({ WEBAUTHN_RP_ID: 'other.org' }), 'https://iam.example.com')).toThrow(/WEBAUTHN_RP_ID/);
    expect(() => relyingPartyOf(settings({ WEBAUTHN_ORIGINS: 'https://evil-example.com' , WEBAUTHN_RP_ID: 'example.com' }), 'https://iam.example.com')).toThrow(/WEBAUTHN_RP_ID/);
    expect(() => relyingPartyOf(settings({ WEBAUTHN_ORIGINS: 'http://iam.example.com' }), 'https://iam.example.com')).toThrow(/WEBAUTHN_ORIGINS.*https/);
    expect(() => relyingPartyOf(settings({ WEBAUTHN_ORIGINS: 'https://iam.example.com/login' }), 'https://iam.example.com')).toThrow(/WEBAUTHN_ORIGINS/);
    expect(() => relyingPartyOf(settings({ WEBAUTHN_ORIGINS: 'not a url' }), 'https://iam.example.com')).toThrow(/WEBAUTHN_ORIGINS/);
    expect(() => relyingPartyOf(settings({ WEBAUTHN_RP_ID: '10.0.0.1' }), 'https://10.0.0.1')).toThrow(/IP address/);
  });
});
