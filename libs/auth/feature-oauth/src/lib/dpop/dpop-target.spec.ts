import { dpopUrlsOf } from './dpop-target';

describe('dpopUrlsOf', () => {
  const PUBLIC = 'https://iam.example.com/';

  it('accepts only the public URL for a request the gateway forwarded', () => {
    const req = { headers: { host: 'auth-server:3001', 'x-forwarded-host': 'iam.example.com' }, protocol: 'https', path: '/oauth/token' };
    expect(dpopUrlsOf(PUBLIC, req)).toEqual(['https://iam.example.com/oauth/token']);
  });

  it('also accepts the URL a direct request reached', () => {
    const req = { headers: { host: 'auth-server.sigma-iam.svc:3001' }, protocol: 'http', path: '/oauth/userinfo' };
    expect(dpopUrlsOf(PUBLIC, req)).toEqual(['https://iam.example.com/oauth/userinfo', 'http://auth-server.sigma-iam.svc:3001/oauth/userinfo']);
  });

  it('falls back to the public URL when a direct request names no host', () => {
    expect(dpopUrlsOf(PUBLIC, { headers: {}, protocol: 'http', path: '/oauth/token' })).toEqual(['https://iam.example.com/oauth/token']);
  });
});
