import { SigmaIAM } from '@sigma/iam-js';
import { BrowserPage, startRedirectLogin, takeRedirectCallback } from './redirect-login';

/** A page with just the APIs the redirect login uses. */
function pageAt(href: string): BrowserPage & { assigned: string[]; saved: Map<string, string> } {
  const url = new URL(href);
  const saved = new Map<string, string>();
  const assigned: string[] = [];
  return {
    assigned,
    saved,
    location: { href, pathname: url.pathname, search: url.search, hash: url.hash, assign: (target) => assigned.push(target) },
    history: { replaceState: () => undefined },
    sessionStorage: { getItem: (key) => saved.get(key) ?? null, setItem: (key, value) => saved.set(key, value), removeItem: (key) => saved.delete(key) },
  };
}

describe('startRedirectLogin', () => {
  it('sends the browser to the authorization endpoint with S256 PKCE and keeps verifier, state and the way back for the callback', async () => {
    const client = new SigmaIAM({ baseURL: 'https://iam.example', clientId: 'spa', redirectUri: 'https://app.example/callback' });
    const page = pageAt('https://app.example/reports?year=2026#top');
    await startRedirectLogin(client, page, { loginHint: 'ada@example.com' });

    expect(page.assigned).toHaveLength(1);
    const url = new URL(page.assigned[0]);
    expect(`${url.origin}${url.pathname}`).toBe('https://iam.example/oauth/v1/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_type: 'code', client_id: 'spa', redirect_uri: 'https://app.example/callback', scope: 'openid profile email', code_challenge_method: 'S256', login_hint: 'ada@example.com' });
    const transaction = JSON.parse(page.saved.get('sigma-iam-react:authorization') ?? '{}');
    expect(transaction).toMatchObject({ state: url.searchParams.get('state'), returnTo: '/reports?year=2026#top' });
    expect(transaction.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(url.searchParams.get('code_challenge')).not.toBe(transaction.codeVerifier);

    // The callback of that request is taken once.
    const back = pageAt(`https://app.example/callback?code=c&state=${transaction.state}`);
    back.saved.set('sigma-iam-react:authorization', JSON.stringify(transaction));
    expect(takeRedirectCallback(back)).toEqual({ code: 'c', codeVerifier: transaction.codeVerifier });
    expect(takeRedirectCallback(back)).toBeUndefined();
  });
});
