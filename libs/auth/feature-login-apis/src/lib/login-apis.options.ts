/** What the login APIs receive from the service shell's validated settings. */
export interface LoginApisOptions {
  /** The base tenant issuers derive from (PUBLIC_URL). */
  publicUrl: string;
  /** The longest lifetime a contextual token may be asked for (CONTEXTUAL_TOKEN_MAX_SECONDS). */
  contextualTokenMaxSeconds: number;
}

export const LOGIN_APIS_OPTIONS = 'SIGMA_LOGIN_APIS_OPTIONS';
