/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636, OIDC Core §3.1.2.1), as stored while the user signs in. */
export interface AuthorizationRequest {
  clientId: string;
  /** `code`, or `token` (implicit, only for clients registered with allow_implicit); absent means code. */
  responseType?: 'code' | 'token';
  redirectUri: string;
  /** Space-separated granted-to-be scope values. */
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  /** OIDC `prompt` values (none, login, consent). */
  prompt: string[];
  /** OIDC `max_age` in seconds. */
  maxAge?: number;
  /** RFC 9449 §10: the DPoP key the code is bound to. */
  dpopJkt?: string;
  /** Whether the request came through PAR (RFC 9126). */
  pushed: boolean;
}

/** A device authorization the /device page is approving. */
export interface DeviceApprovalRequest {
  clientId: string;
  scope: string;
  userCode: string;
}
