import type { VerifiedToken } from '@sigma/iam-js';

/**
 * The user of a verified access token, what `verifyToken` answers and `req.user` holds: every claim
 * of the token (sub, tid, sid, client_id, scope, roles, permissions, cnf, ...), the same facts under
 * the suite's user-object names (id, tenant_id), and the profile (email, full_name, ...) read from
 * the suite with the token when the SDK fetches profiles; null when it does not (ADR 28).
 */
export interface SigmaNodeUser extends VerifiedToken {
  /** The user id (the token's `sub`); a client's own token (client_credentials) has its client id here. */
  id: string;
  tenant_id: string;
  /** The token's roles and permissions: what this request may do (the profile's may be newer). */
  roles: string[];
  permissions: string[];
  /** The token's scope as a list. */
  scopes: string[];
  /** True for a client's own token (no user behind it). */
  is_client: boolean;
  email: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  email_verified: boolean | null;
}

/** How a request authenticated: `req.auth`. */
export interface SigmaAuth {
  /** The access token as presented. */
  token: string;
  /** `Bearer`, or `DPoP` for a sender-constrained token whose proof was checked. */
  scheme: 'Bearer' | 'DPoP';
  claims: VerifiedToken;
  /** The thumbprint of the DPoP key, for a DPoP-bound token. */
  jkt?: string;
}

/** What `authenticate` reads of a request, whatever the framework: method, the URL as the client addressed it, headers. */
export interface RequestLike {
  method: string;
  url: string;
  headers: Headers | Record<string, string | string[] | undefined>;
}
