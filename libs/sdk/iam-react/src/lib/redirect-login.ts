import { IAMError, SigmaIAM } from '@sigma/iam-js';

/** What loginWithRedirect asks the authorization endpoint for. */
export interface RedirectLoginOptions {
  /** Default `openid profile email`. */
  scope?: string;
  prompt?: string;
  loginHint?: string;
}

/** The few browser APIs the redirect login needs (typed here: the SDK compiles without the DOM library). */
export interface BrowserPage {
  location: { href: string; pathname: string; search: string; hash: string; assign(url: string): void };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };
}

/** The pending authorization request of this tab: what the callback needs, for one use. */
interface Transaction {
  state: string;
  codeVerifier: string;
  returnTo: string;
}

export type RedirectCallback = { code: string; codeVerifier: string } | { error: IAMError };

const TRANSACTION_KEY = 'sigma-iam-react:authorization';

export function browserPage(): BrowserPage | undefined {
  const page = globalThis as Partial<BrowserPage>;
  return page.location !== undefined && page.history !== undefined && page.sessionStorage !== undefined ? (page as BrowserPage) : undefined;
}

/**
 * Starts the authorization code flow with PKCE (S256), state and nonce: the verifier and state stay
 * in this tab's sessionStorage until the callback uses them once, then the browser goes to the
 * suite's login page.
 */
export async function startRedirectLogin(client: SigmaIAM, page: BrowserPage, options: RedirectLoginOptions): Promise<void> {
  const request = await client.createAuthorizationRequest({ scope: options.scope ?? 'openid profile email', prompt: options.prompt, loginHint: options.loginHint });
  const transaction: Transaction = { state: request.state, codeVerifier: request.codeVerifier, returnTo: `${page.location.pathname}${page.location.search}${page.location.hash}` };
  page.sessionStorage.setItem(TRANSACTION_KEY, JSON.stringify(transaction));
  page.location.assign(request.url);
}

function savedTransaction(page: BrowserPage): Transaction | undefined {
  try {
    const saved = JSON.parse(page.sessionStorage.getItem(TRANSACTION_KEY) ?? 'null') as Partial<Transaction> | null;
    return typeof saved?.state === 'string' && typeof saved.codeVerifier === 'string' && typeof saved.returnTo === 'string' ? (saved as Transaction) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The authorization response in the page's URL when it answers this tab's pending request (same
 * state; anything else is left alone). Takes it once: the transaction is removed and the URL put
 * back to where the login started, so code and state leave the address bar and history.
 */
export function takeRedirectCallback(page: BrowserPage): RedirectCallback | undefined {
  const params = new URL(page.location.href).searchParams;
  const state = params.get('state');
  const code = params.get('code');
  const error = params.get('error');
  const transaction = savedTransaction(page);
  if (state === null || transaction === undefined || transaction.state !== state || (code === null && error === null)) return undefined;
  page.sessionStorage.removeItem(TRANSACTION_KEY);
  page.history.replaceState(null, '', transaction.returnTo);
  if (error !== null || code === null) return { error: new IAMError(error ?? 'invalid_request', params.get('error_description') ?? 'The sign-in was not completed', 400) };
  return { code, codeVerifier: transaction.codeVerifier };
}
