"""SigmaIAM: the Python client of seed 000."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote

from ._session import TokenClient
from .errors import IAMError
from .pkce import generate_code_challenge, generate_code_verifier, generate_state
from .types import AuthorizationRequest, OAuthTokens, User, UserRoles


class SigmaIAM(TokenClient):
    """The Sigma IAM client of seed 000: direct login, profile and admin calls, the authorization
    code flow with PKCE and local token verification, with the token lifecycle around them (storage,
    refresh before expiry and after a 401, one refresh at a time, logout). Thread-safe.

    One instance keeps one user's tokens (memory by default): a server acting for many users uses
    one instance per user session, or passes a ``storage`` bound to it. ``verify_token`` needs no
    stored tokens, so one shared instance verifies for everyone.
    """

    # ── Authentication ───────────────────────────────────────────────────────────────────────────

    def login(self, email: str, password: str) -> User:
        """Signs a user in with the direct login API (POST /api/v1/auth/login) and keeps the tokens.

        A user with a second factor raises IAMError ``MFA_REQUIRED`` carrying ``mfa_session_id``:
        finish with complete_mfa_login.
        """
        body: dict[str, Any] = {"username": email, "password": password}
        if self.tenant_id:
            body["tenant_id"] = self.tenant_id
        return self._logged_in(self._http.send("POST", "/api/v1/auth/login", json=body))

    def complete_mfa_login(self, mfa_session_id: str, *, totp_code: str | None = None, recovery_code: str | None = None) -> User:
        """Finishes a login that raised MFA_REQUIRED, with a TOTP code or a recovery code."""
        if (totp_code is None) == (recovery_code is None):
            raise ValueError("pass exactly one of totp_code and recovery_code")
        factor = {"totp_code": totp_code} if totp_code is not None else {"recovery_code": recovery_code}
        return self._logged_in(self._http.send("POST", "/api/v1/auth/mfa/verify", json={"mfa_session_id": mfa_session_id, **factor}))

    def logout(self) -> None:
        """Ends the session: the refresh token is revoked at the suite (login tokens at
        /api/v1/auth/logout, OAuth tokens at the revocation endpoint) and the stored tokens are
        cleared, even when the suite cannot be reached. Access tokens already issued stay valid
        at local verification until they expire; the suite's own APIs refuse them at once."""
        tokens = self._storage.get()
        try:
            if tokens is None or tokens.refresh_token is None:
                return
            if tokens.source == "login":
                self._http.send("POST", "/api/v1/auth/logout", json={"refresh_token": tokens.refresh_token})
            elif tokens.source == "oauth":
                self._http.send("POST", "/oauth/v1/revoke", **self._client_authenticated({"token": tokens.refresh_token, "token_type_hint": "refresh_token"}))
            else:
                self._http.send(
                    "POST",
                    "/api/admin/identity/auth",
                    json={"action": "logout", "clientId": self.client_id, "accessToken": tokens.access_token},
                )
        finally:
            self._storage.clear()

    # ── Profile, roles, applications ─────────────────────────────────────────────────────────────

    def get_profile(self) -> User:
        """The signed-in user (GET /api/v1/me)."""
        return User.from_dict(self._object(self._authenticated("GET", "/api/v1/me")))

    def get_profile_with_token(self, access_token: str) -> User:
        """The user an access token belongs to (GET /api/v1/me with that token), for a server
        acting on a caller's token: no stored tokens are used or refreshed."""
        return User.from_dict(self._object(self._http.send("GET", "/api/v1/me", headers=self._bearer(access_token))))

    def update_profile(
        self,
        *,
        full_name: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> User:
        """Changes the signed-in user's names (PATCH /api/v1/me); the fields left out stay."""
        changes = {"full_name": full_name, "first_name": first_name, "last_name": last_name, "username": username}
        body = {name: value for name, value in changes.items() if value is not None}
        return User.from_dict(self._object(self._authenticated("PATCH", "/api/v1/me", json=body)))

    def get_user_roles(self) -> UserRoles:
        """The signed-in user's roles and effective permissions (GET /api/v1/me/roles)."""
        return cast(UserRoles, self._object(self._authenticated("GET", "/api/v1/me/roles")))

    def assign_role(self, user_id: str, role: str) -> dict[str, Any]:
        """Gives a user a role by name or slug (users:write and roles:write); roles held already stay."""
        return self._object(self._authenticated("POST", f"/api/v1/users/{quote(user_id, safe='')}/roles", json={"role": role}))

    def create_application(self, **application: Any) -> dict[str, Any]:
        """Registers an OAuth client (applications:write), seed 000's ApplicationCreateRequest as
        keyword arguments (client_name, client_type, redirect_uris, allowed_grant_types,
        allowed_scopes, ...). The answer holds client_secret; no later call shows it again."""
        return self._object(self._authenticated("POST", "/api/v1/applications", json=application))

    # ── OAuth 2.1 authorization code flow ────────────────────────────────────────────────────────

    def get_authorization_url(
        self,
        scope: str | None = None,
        state: str | None = None,
        *,
        code_challenge: str | None = None,
        code_challenge_method: str | None = None,
        redirect_uri: str | None = None,
        nonce: str | None = None,
        prompt: str | None = None,
        login_hint: str | None = None,
    ) -> str:
        """The authorization endpoint URL (/oauth/v1/authorize) for response_type=code.

        The suite requires PKCE. Without ``code_challenge`` the SDK makes an S256 pair itself and
        keeps the verifier under ``state`` (generated when absent) for
        ``exchange_code_for_tokens(code, state=state)``; a server whose callback may reach another
        process uses create_authorization_request and keeps the verifier itself.
        """
        if code_challenge_method is not None and code_challenge is None:
            raise ValueError("code_challenge_method needs code_challenge")
        if code_challenge is None:
            state = state or generate_state()
            verifier = generate_code_verifier()
            code_challenge, code_challenge_method = generate_code_challenge(verifier), "S256"
            self._remember_verifier(state, verifier)
        return self._http.url_of(
            "/oauth/v1/authorize",
            {
                "response_type": "code",
                "client_id": self._required(self.client_id, "client_id"),
                "redirect_uri": self._required(redirect_uri or self.redirect_uri, "redirect_uri"),
                "scope": scope,
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": code_challenge_method or "S256",
                "prompt": prompt,
                "login_hint": login_hint,
                "tenant_id": self.tenant_id,
            },
        )

    def create_authorization_request(
        self, scope: str | None = None, *, redirect_uri: str | None = None, prompt: str | None = None, login_hint: str | None = None
    ) -> AuthorizationRequest:
        """A complete authorization request with a fresh PKCE pair (S256), state and nonce; keep
        all but the URL for the callback."""
        verifier, state, nonce = generate_code_verifier(), generate_state(), generate_state()
        url = self.get_authorization_url(
            scope,
            state,
            code_challenge=generate_code_challenge(verifier),
            code_challenge_method="S256",
            redirect_uri=redirect_uri,
            nonce=nonce,
            prompt=prompt,
            login_hint=login_hint,
        )
        return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)

    def exchange_code_for_tokens(
        self, code: str, code_verifier: str | None = None, *, state: str | None = None, redirect_uri: str | None = None
    ) -> OAuthTokens:
        """Redeems an authorization code at /oauth/v1/token and keeps the tokens. The verifier is
        ``code_verifier``, or the one get_authorization_url kept under ``state``."""
        if code_verifier is None and state is not None:
            code_verifier = self._take_verifier(state)
            if code_verifier is None:
                raise IAMError("invalid_request", "No authorization request of this client used that state", 0)
        answer = self._http.send(
            "POST",
            "/oauth/v1/token",
            **self._client_authenticated(
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self._required(redirect_uri or self.redirect_uri, "redirect_uri"),
                    "code_verifier": code_verifier,
                }
            ),
        )
        self._keep(answer, "oauth")
        return OAuthTokens(
            access_token=answer["access_token"],
            token_type=str(answer.get("token_type", "Bearer")),
            expires_in=int(answer.get("expires_in") or 0),
            refresh_token=answer.get("refresh_token"),
            id_token=answer.get("id_token"),
            scope=answer.get("scope"),
        )

    def verify_token(self, token: str) -> dict[str, Any]:
        """Verifies an access token locally against its tenant's JWKS (cached; fetched again for an
        unknown kid) and answers its claims; raises IAMError ``INVALID_TOKEN``. A local check does
        not see revocations."""
        return self._verifier.verify(token)

    # ── Internals ────────────────────────────────────────────────────────────────────────────────

    def _logged_in(self, answer: Any) -> User:
        if isinstance(answer, dict) and answer.get("mfa_required") is True:
            session = answer.get("mfa_session_id")
            raise IAMError("MFA_REQUIRED", "The user must confirm a second factor", 200, mfa_session_id=session if isinstance(session, str) else None)
        if not isinstance(answer, dict) or not isinstance(answer.get("refresh_token"), str) or not isinstance(answer.get("user"), dict):
            raise IAMError("INVALID_RESPONSE", "The login answer carries no tokens", 200)
        self._keep(answer, "login")
        return User.from_dict(answer["user"])

    @staticmethod
    def _object(answer: Any) -> dict[str, Any]:
        if not isinstance(answer, dict):
            raise IAMError("INVALID_RESPONSE", "The server answered no JSON object", 200)
        return answer
