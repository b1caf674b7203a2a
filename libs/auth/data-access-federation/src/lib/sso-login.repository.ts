import { EntityManager } from 'typeorm';

/**
 * How a pending upstream sign-in ends: seed 000's redirect back to the application, seed 002's POST
 * with the upstream code, or the login page's pending OAuth authorization.
 */
export type SsoFlow = 'redirect' | 'sso' | 'authorize';

/** An upstream authorization in progress, found by the hash of the state sent upstream. */
export interface SsoLoginState {
  stateHash: string;
  tenantId: string;
  providerId: string;
  flow: SsoFlow;
  /** The application (OAuth client) the sign-in is for. */
  clientId: string;
  /** The redirect_uri sent upstream: the suite's callback (redirect) or the application's (sso). */
  redirectUri: string;
  /** redirect: where the application gets its one-time code, with its own state. */
  appRedirectUri: string | null;
  appState: string | null;
  /** redirect: the application's PKCE challenge (S256) for redeeming its code. */
  appCodeChallenge: string | null;
  /** SecretBox-sealed PKCE verifier of the upstream request. */
  codeVerifierSealed: string;
  /** OpenID Connect providers: the nonce the ID token must carry. */
  nonce: string | null;
  /** authorize: the pending authorization's login challenge, sealed. */
  loginChallengeSealed: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** A finished social sign-in waiting for the application to redeem its one-time code. */
export interface SsoLoginCode {
  codeHash: string;
  tenantId: string;
  clientId: string;
  redirectUri: string;
  userId: string;
  providerKey: string;
  codeChallenge: string | null;
  amr: string[];
  createdAt: Date;
  expiresAt: Date;
}

interface StateRow {
  state_hash: string;
  tenant_id: string;
  provider_id: string;
  flow: SsoFlow;
  client_id: string;
  redirect_uri: string;
  app_redirect_uri: string | null;
  app_state: string | null;
  app_code_challenge: string | null;
  code_verifier_sealed: string;
  nonce: string | null;
  login_challenge_sealed: string | null;
  created_at: Date;
  expires_at: Date;
}

interface CodeRow {
  code_hash: string;
  tenant_id: string;
  client_id: string;
  redirect_uri: string;
  user_id: string;
  provider_key: string;
  code_challenge: string | null;
  amr: string[];
  created_at: Date;
  expires_at: Date;
}

/** Pending upstream sign-ins and one-time codes: both single use (taken by an atomic DELETE) and short-lived. */
export class SsoLoginRepository {
  constructor(private readonly manager: EntityManager) {}

  async saveState(state: SsoLoginState): Promise<void> {
    await this.manager.query(
      `INSERT INTO auth.sso_login_states (state_hash, tenant_id, provider_id, flow, client_id, redirect_uri, app_redirect_uri, app_state, app_code_challenge,
         code_verifier_sealed, nonce, login_challenge_sealed, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        state.stateHash,
        state.tenantId,
        state.providerId,
        state.flow,
        state.clientId,
        state.redirectUri,
        state.appRedirectUri,
        state.appState,
        state.appCodeChallenge,
        state.codeVerifierSealed,
        state.nonce,
        state.loginChallengeSealed,
        state.createdAt,
        state.expiresAt,
      ],
    );
  }

  /** Takes the pending sign-in a state names (it is gone afterwards, whatever follows); undefined when unknown or expired. */
  async takeState(stateHash: string, now: Date): Promise<SsoLoginState | undefined> {
    const [rows]: [StateRow[], number] = await this.manager.query('DELETE FROM auth.sso_login_states WHERE state_hash = $1 RETURNING *', [stateHash]);
    const row = rows[0];
    if (!row || row.expires_at.getTime() <= now.getTime()) return undefined;
    return {
      stateHash: row.state_hash,
      tenantId: row.tenant_id,
      providerId: row.provider_id,
      flow: row.flow,
      clientId: row.client_id,
      redirectUri: row.redirect_uri,
      appRedirectUri: row.app_redirect_uri,
      appState: row.app_state,
      appCodeChallenge: row.app_code_challenge,
      codeVerifierSealed: row.code_verifier_sealed,
      nonce: row.nonce,
      loginChallengeSealed: row.login_challenge_sealed,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async saveCode(code: SsoLoginCode): Promise<void> {
    await this.manager.query(
      `INSERT INTO auth.sso_login_codes (code_hash, tenant_id, client_id, redirect_uri, user_id, provider_key, code_challenge, amr, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [code.codeHash, code.tenantId, code.clientId, code.redirectUri, code.userId, code.providerKey, code.codeChallenge, code.amr, code.createdAt, code.expiresAt],
    );
  }

  /** Takes a one-time code (gone afterwards, whatever follows); undefined when unknown or expired. */
  async takeCode(codeHash: string, now: Date): Promise<SsoLoginCode | undefined> {
    const [rows]: [CodeRow[], number] = await this.manager.query('DELETE FROM auth.sso_login_codes WHERE code_hash = $1 RETURNING *', [codeHash]);
    const row = rows[0];
    if (!row || row.expires_at.getTime() <= now.getTime()) return undefined;
    return {
      codeHash: row.code_hash,
      tenantId: row.tenant_id,
      clientId: row.client_id,
      redirectUri: row.redirect_uri,
      userId: row.user_id,
      providerKey: row.provider_key,
      codeChallenge: row.code_challenge,
      amr: row.amr,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  /** Drops expired states and codes (housekeeping; idempotent). */
  async purgeExpired(now: Date): Promise<void> {
    await this.manager.query('DELETE FROM auth.sso_login_states WHERE expires_at <= $1', [now]);
    await this.manager.query('DELETE FROM auth.sso_login_codes WHERE expires_at <= $1', [now]);
  }
}
