import { SigmaIAM } from '@sigma/iam-js';
import { BrowserPage, isRedirectCallback, leaveRedirectCallback, startRedirectLogin } from './redirect-login';

/** A page with just the APIs the redirect login uses. */
function pageAt(href: string): BrowserPage & { assigned: string[]; saved: Map<string, string>; replaced: string[] } {
  const url = new URL(href);
  const saved = new Map<string, string>();
  const assigned: string[] = [];
  const replaced: string[] = [];
  return {
    assigned,
    saved,
    replaced,
    location: { href, pathname: url.pathname, search: url.search, hash: url.hash, assign: (target) => assigned.push(target) },
    history: { replaceState: (_data, _unused, target) => replaced.push(target) },
    sessionStorage: { getItem: (key) => saved.get(key) ?? null, setItem: (key, value) => saved.set(key, value), removeItem: (key) => saved.delete(key) },
  };
}

describe('the redirect login', () => {
  it('sends the browser to the authorization endpoint with S256 PKCE and comes back to where it started', async () => {
    const client = new SigmaIAM({ baseURL: 'https://iam.example', clientId: 'spa', redirectUri: 'https://app.example/callback' });
    const page = pageAt('https://app.example/reports?year=2026#top');
    await startRedirectLogin(client, page, { loginHint: 'ada@example.com' });

    expect(page.assigned).toHaveLength(1);
    const url = new URL(page.assigned[0]);
    expect(`${url.origin}${url.pathname}`).toBe('https://iam.example/oauth/v1/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_type: 'code', client_id: 'spa', redirect_uri: 'https://app.example/callback', scope: 'openid profile email', code_challenge_method: 'S256', login_hint: 'ada@example.com' });
    const state = url.searchParams.get('state') ?? '';

    const back = pageAt(`https://app.example/callback?code=c&state=${state}`);
    expect(isRedirectCallback(back)).toBe(true);
    expect(isRedirectCallback(pageAt(`https://app.example/callback?state=${state}`))).toBe(false);
    back.saved.set('sigma-iam-react:return-to', page.saved.get('sigma-iam-react:return-to') ?? '');
    leaveRedirectCallback(back, back.location.href);
    expect(back.replaced).toEqual(['/reports?year=2026#top']);
    expect(back.saved.size).toBe(0);

    // Another request's callback goes back to the callback's own path, without code and state.
    const other = pageAt('https://app.example/callback?code=c&state=other');
    other.saved.set('sigma-iam-react:return-to', JSON.stringify({ state, path: '/reports' }));
    leaveRedirectCallback(other, other.location.href);
    expect(other.replaced).toEqual(['/callback']);
  });

  it("starts the suite's social login for a provider", async () => {
    const client = new SigmaIAM({ baseURL: 'https://iam.example', clientId: 'spa', redirectUri: 'https://app.example/callback' });
    const page = pageAt('https://app.example/');
    await startRedirectLogin(client, page, { provider: 'google' });
    expect(new URL(page.assigned[0]).pathname).toBe('/api/v1/auth/social/google');
  });
});
