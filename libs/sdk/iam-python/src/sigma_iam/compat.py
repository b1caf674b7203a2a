"""The client classes of seeds 001 and 002, for code written against those snippets."""

from __future__ import annotations

from typing import Any

from ._session import FIRST_PARTY_CLIENT, TokenClient
from .client import SigmaIAM
from .errors import IAMError


class WebAuthn:
    """Passkey registration for the signed-in user (seed 001's ``client.webauthn``).

    The options are for the browser's ``navigator.credentials.create()``; its credential comes back
    to ``verify_registration``. Both calls carry the user's access token (the suite registers a
    passkey only for the user it belongs to).
    """

    def __init__(self, client: TokenClient) -> None:
        self._client = client

    def get_registration_options(self, username: str | None = None) -> dict[str, Any]:
        """PublicKeyCredentialCreationOptions as JSON (GET /webauthn/registration/options):
        challenge, rp, user, pubKeyCredParams, excludeCredentials, ..."""
        options = self._client._authenticated("GET", "/webauthn/registration/options", query={"username": username, "tenant_id": self._client.tenant_id})
        if not isinstance(options, dict) or not isinstance(options.get("challenge"), str):
            raise IAMError("INVALID_RESPONSE", "The registration options carry no challenge", 200)
        return options

    def verify_registration(self, credential_response: dict[str, Any], challenge: str) -> dict[str, Any]:
        """Registers the browser's credential (POST /webauthn/registration/verification, the
        challenge of its options in the webauthn-challenge header); answers {verified, credential}."""
        answer = self._client._authenticated("POST", "/webauthn/registration/verification", json=credential_response, headers={"webauthn-challenge": challenge})
        if not isinstance(answer, dict):
            raise IAMError("INVALID_RESPONSE", "The server answered no JSON object", 200)
        return answer


class IdentityClient(SigmaIAM):
    """Seed 001's Python client: ``IdentityClient(base_url=, client_id=, tenant_id=)`` with
    ``client.webauthn``, everything SigmaIAM does, and ``get_user_info``.

    The WebAuthn calls act for the signed-in user: sign in first (``login``, or
    ``exchange_code_for_tokens``), or pass ``access_token=`` for a token obtained elsewhere.
    """

    def __init__(self, base_url: str, client_id: str | None = None, tenant_id: str | None = None, *, access_token: str | None = None, **options: Any) -> None:
        super().__init__(base_url, client_id, tenant_id=tenant_id, **options)
        self.webauthn = WebAuthn(self)
        if access_token is not None:
            self._keep({"access_token": access_token}, "oauth")

    def get_user_info(self) -> dict[str, Any]:
        """The OpenID Connect UserInfo of the signed-in user (GET /oauth/userinfo)."""
        return self._object(self._authenticated("GET", "/oauth/userinfo"))


class IdentityGateway(TokenClient):
    """Seed 002's Python client: ``IdentityGateway(client_id=, base_url=)`` speaking seed 002's
    admin API (``/api/admin/...``) with its camelCase envelopes.

    ``verify_token`` asks the suite (action verify), so unlike SigmaIAM.verify_token it sees a
    revoked session at once. ``create_user`` needs an administrator's token: ``login`` first, or
    pass ``access_token=``.
    """

    def __init__(self, client_id: str | None = None, base_url: str = "", *, access_token: str | None = None, **options: Any) -> None:
        super().__init__(base_url, client_id or FIRST_PARTY_CLIENT, **options)
        if access_token is not None:
            self._keep({"access_token": access_token}, "admin")

    def login(self, email: str, password: str) -> dict[str, Any]:
        """Signs in with action login (POST /api/admin/identity/auth) and keeps the tokens;
        answers seed 002's user object."""
        answer = self._http.send("POST", "/api/admin/identity/auth", json={"action": "login", "clientId": self.client_id, "email": email, "password": password})
        if isinstance(answer, dict) and answer.get("mfaRequired") is True:
            session = answer.get("mfaSessionId")
            raise IAMError("MFA_REQUIRED", "The user must confirm a second factor", 200, mfa_session_id=session if isinstance(session, str) else None)
        self._keep(self._oauth_shape_of_admin_tokens(answer), "admin")
        return self._user_of(answer)

    def verify_token(self, authorization: str) -> dict[str, Any]:
        """Checks a token at the suite (action verify: signature, expiry, and that its session is
        still active); takes the token or the whole ``Bearer <token>`` header value and answers
        seed 002's user object. Raises IAMError (401 ``INVALID_TOKEN``) otherwise."""
        token = authorization.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        if not token:
            raise IAMError("INVALID_TOKEN", "No token", 401)
        answer = self._http.send("POST", "/api/admin/identity/auth", json={"action": "verify", "clientId": self.client_id, "accessToken": token})
        return self._user_of(answer)

    def create_user(self, user: dict[str, Any]) -> dict[str, Any]:
        """Creates a user (POST /api/admin/users; users:write) from seed 002's fields (email,
        password, firstName, lastName, role, isActive; snake_case first_name/last_name/is_active
        are accepted too) and answers seed 002's user object."""
        aliases = {"first_name": "firstName", "last_name": "lastName", "is_active": "isActive", "send_welcome_email": "sendWelcomeEmail"}
        body = {aliases.get(name, name): value for name, value in user.items()}
        return self._user_of(self._authenticated("POST", "/api/admin/users", json=body))

    def logout(self) -> None:
        """Ends the session (action logout) and forgets the tokens, even when the suite cannot be reached."""
        tokens = self._storage.get()
        try:
            if tokens is not None:
                self._http.send("POST", "/api/admin/identity/auth", json={"action": "logout", "clientId": self.client_id, "accessToken": tokens.access_token})
        finally:
            self._storage.clear()

    @staticmethod
    def _user_of(answer: Any) -> dict[str, Any]:
        user = answer.get("user") if isinstance(answer, dict) else None
        if not isinstance(user, dict):
            raise IAMError("INVALID_RESPONSE", "The answer carries no user", 200)
        return user
