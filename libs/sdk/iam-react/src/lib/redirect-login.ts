import type { SigmaIAM } from '@sigma/iam-js';

/** What loginWithRedirect asks for. */
export interface RedirectLoginOptions {
  /** Default `openid profile email`. */
  scope?: string;
  prompt?: string;
  loginHint?: string;
  /** An upstream provider of the tenant (`google`, `github`, ...): the suite's social login instead of its login page. */
  provider?: string;
}

/** The few browser APIs the redirect login needs (typed here: the SDK compiles without the DOM library). */
export interface BrowserPage {
  location: { href: string; pathname: string; search: string; hash: string; assign(url: string): void };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };
}

/** Where the app was when its sign-in started, to go back there (the callback's URL carries code and state). */
interface ReturnPath {
  state: string;
  path: string;
}

const RETURN_KEY = 'sigma-iam-react:return-to';

export function browserPage(): BrowserPage | undefined {
  const page = globalThis as Partial<BrowserPage>;
  return page.location !== undefined && page.history !== undefined && page.sessionStorage !== undefined ? (page as BrowserPage) : undefined;
}

/**
 * Starts the authorization code flow with PKCE (S256), state and nonce. @sigma/iam-js remembers the
 * verifier under the state (its authorization store: the tab's sessionStorage) for
 * handleRedirectCallback; the path to come back to is kept beside it, then the browser leaves.
 */
export async function startRedirectLogin(client: SigmaIAM, page: BrowserPage, options: RedirectLoginOptions): Promise<void> {
  const request = await client.createAuthorizationRequest({ scope: options.scope ?? 'openid profile email', prompt: options.prompt, loginHint: options.loginHint, provider: options.provider });
  const back: ReturnPath = { state: request.state, path: `${page.location.pathname}${page.location.search}${page.location.hash}` };
  page.sessionStorage.setItem(RETURN_KEY, JSON.stringify(back));
  page.location.assign(request.url);
}

/** Whether the page's URL is an authorization response (state with a code or an error); whose it is, handleRedirectCallback decides. */
export function isRedirectCallback(page: BrowserPage): boolean {
  const params = new URL(page.location.href).searchParams;
  return params.has('state') && (params.has('code') || params.has('error'));
}

/** Puts the URL back to where the sign-in of `href`'s state started (else to the callback's path): code and state leave the address bar and history. */
export function leaveRedirectCallback(page: BrowserPage, href: string): void {
  const url = new URL(href);
  let path = url.pathname;
  try {
    const back = JSON.parse(page.sessionStorage.getItem(RETURN_KEY) ?? 'null') as Partial<ReturnPath> | null;
    if (back?.state === url.searchParams.get('state') && typeof back?.path === 'string') path = back.path;
  } catch {
    // An unreadable entry: the callback's path will do.
  }
  page.sessionStorage.removeItem(RETURN_KEY);
  page.history.replaceState(null, '', path);
}
