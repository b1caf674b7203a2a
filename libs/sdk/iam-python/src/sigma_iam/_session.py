"""What every client class shares: the transport, the token storage and the token lifecycle."""

from __future__ import annotations

import base64
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import quote_plus

import httpx
import jwt

from ._http import Transport
from .errors import IAMError
from .storage import MemoryTokenStorage, StoredTokens, TokenSource, TokenStorage
from .verifier import TokenVerifier

#: The audience of the suite's access tokens.
API_AUDIENCE = "urn:sigma-iam:api"
#: The suite's own client: the direct login API always issues tokens to it.
FIRST_PARTY_CLIENT = "sigma-iam"
#: Code verifiers kept for authorization URLs whose caller brought no code_challenge.
MAX_PENDING_VERIFIERS = 256

_Client = TypeVar("_Client", bound="TokenClient")


class TokenClient:
    """A client of the suite holding one user's tokens: authenticated calls refresh the access token
    before it expires and once after a 401, one refresh at a time (the suite rotates refresh tokens
    and treats a second use of a spent one as theft, revoking the whole session)."""

    def __init__(
        self,
        base_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        redirect_uri: str | None = None,
        tenant_id: str | None = None,
        storage: TokenStorage | None = None,
        timeout: float = 10.0,
        retries: int = 2,
        retry_delay: float = 0.25,
        max_retry_delay: float = 5.0,
        refresh_skew: float = 30.0,
        jwks_cache_max_age: float = 600.0,
        issuer_base_url: str | None = None,
        audience: str = API_AUDIENCE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not isinstance(base_url, str) or not base_url.lower().startswith(("http://", "https://")):
            raise ValueError("base_url must be the http(s) URL of the suite")
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.tenant_id = tenant_id
        self._client_secret = client_secret
        self._refresh_skew = refresh_skew
        self._http = Transport(
            self.base_url,
            timeout=timeout,
            retries=retries,
            retry_delay=retry_delay,
            max_retry_delay=max_retry_delay,
            transport=transport,
        )
        self._storage: TokenStorage = storage if storage is not None else MemoryTokenStorage()
        self._verifier = TokenVerifier(
            self._http,
            issuer_base_url=issuer_base_url or self.base_url,
            audience=audience,
            tenant_id=tenant_id,
            cache_max_age=jwks_cache_max_age,
        )
        self._refresh_lock = threading.Lock()
        self._pending_verifiers: OrderedDict[str, str] = OrderedDict()
        self._pending_lock = threading.Lock()

    # ── Lifecycle of the client ──────────────────────────────────────────────────────────────────

    def close(self) -> None:
        """Closes the HTTP connections (the tokens stay in the storage)."""
        self._http.close()

    def __enter__(self: _Client) -> _Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ── Tokens ───────────────────────────────────────────────────────────────────────────────────

    def get_access_token(self) -> str | None:
        """The stored access token, refreshed first when it expires within refresh_skew; None when signed out."""
        tokens = self._storage.get()
        return None if tokens is None else self._fresh(tokens).access_token

    def set_tokens(self, tokens: StoredTokens) -> None:
        """Keeps tokens obtained elsewhere (e.g. by a server that ran the code exchange)."""
        self._storage.set(tokens)

    def request(self, method: str, path: str, *, json: Any = None, query: Mapping[str, str | None] | None = None) -> Any:
        """Any authenticated call of the suite's APIs, with the SDK's refresh, retries and errors."""
        return self._authenticated(method, path, json=json, query=query)

    # ── Internals shared by the client classes ───────────────────────────────────────────────────

    def _authenticated(self, method: str, path: str, *, headers: Mapping[str, str] | None = None, **kwargs: Any) -> Any:
        stored = self._storage.get()
        if stored is None:
            raise IAMError("AUTHENTICATION_REQUIRED", "Not signed in", 0)
        tokens = self._fresh(stored)
        try:
            return self._http.send(method, path, headers={**(headers or {}), **self._bearer(tokens.access_token)}, **kwargs)
        except IAMError as error:
            if error.status != 401 or tokens.refresh_token is None:
                raise
        # The suite refused the token (expired early, revoked, keys rotated): refresh once and try again.
        renewed = self._refresh_after_rejection(tokens.access_token)
        return self._http.send(method, path, headers={**(headers or {}), **self._bearer(renewed.access_token)}, **kwargs)

    @staticmethod
    def _bearer(access_token: str) -> dict[str, str]:
        return {"authorization": f"Bearer {access_token}"}

    def _fresh(self, tokens: StoredTokens) -> StoredTokens:
        if tokens.refresh_token is None or not self._expiring(tokens):
            return tokens
        return self._refresh_after_rejection(tokens.access_token)

    def _expiring(self, tokens: StoredTokens) -> bool:
        expires_at = tokens.expires_at
        if expires_at is None:
            try:
                exp = jwt.decode(tokens.access_token, options={"verify_signature": False}).get("exp")
            except jwt.PyJWTError:
                return False
            if not isinstance(exp, (int, float)):
                return False
            expires_at = float(exp)
        return expires_at - self._refresh_skew <= time.time()

    def _refresh_after_rejection(self, rejected: str) -> StoredTokens:
        """Single flight: however many threads find ``rejected`` refused at once, one refresh runs;
        the others wait for the lock and then use the token it stored."""
        with self._refresh_lock:
            current = self._storage.get()
            if current is not None and current.access_token != rejected and not self._expiring(current):
                return current
            if current is None or current.refresh_token is None:
                raise IAMError("AUTHENTICATION_REQUIRED", "Not signed in", 401)
            return self._refresh(current, current.refresh_token)

    def _refresh(self, tokens: StoredTokens, refresh_token: str) -> StoredTokens:
        try:
            if tokens.source == "login":
                answer = self._http.send("POST", "/api/v1/auth/refresh", json={"refresh_token": refresh_token})
            elif tokens.source == "oauth":
                answer = self._http.send(
                    "POST", "/oauth/v1/token", **self._client_authenticated({"grant_type": "refresh_token", "refresh_token": refresh_token})
                )
            else:
                envelope = self._http.send(
                    "POST",
                    "/api/admin/identity/auth",
                    json={"action": "refresh", "clientId": self.client_id or FIRST_PARTY_CLIENT, "refreshToken": refresh_token},
                )
                answer = self._oauth_shape_of_admin_tokens(envelope)
        except IAMError as error:
            # A refused refresh token will not work again: sign out locally. Network trouble keeps the tokens.
            if 400 <= error.status < 500 and error.status != 429:
                self._storage.clear()
            raise
        return self._keep(answer, tokens.source, tokens)

    @staticmethod
    def _oauth_shape_of_admin_tokens(envelope: Any) -> dict[str, Any]:
        tokens = envelope.get("tokens") if isinstance(envelope, dict) else None
        if not isinstance(tokens, dict) or not isinstance(tokens.get("accessToken"), str):
            raise IAMError("INVALID_RESPONSE", "The answer carries no tokens", 200)
        return {
            "access_token": tokens["accessToken"],
            "refresh_token": tokens.get("refreshToken"),
            "expires_in": tokens.get("expiresIn"),
            "token_type": tokens.get("tokenType", "Bearer"),
        }

    def _keep(self, answer: Any, source: TokenSource, previous: StoredTokens | None = None) -> StoredTokens:
        if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
            raise IAMError("INVALID_RESPONSE", "The answer carries no access token", 200)
        expires_in = answer.get("expires_in")
        refresh_token = answer.get("refresh_token")
        id_token = answer.get("id_token")
        tokens = StoredTokens(
            access_token=answer["access_token"],
            source=source,
            refresh_token=refresh_token if isinstance(refresh_token, str) else (previous.refresh_token if previous else None),
            id_token=id_token if isinstance(id_token, str) else (previous.id_token if previous else None),
            expires_at=time.time() + expires_in if isinstance(expires_in, (int, float)) and expires_in > 0 else None,
        )
        self._storage.set(tokens)
        return tokens

    def _client_authenticated(self, form: dict[str, str | None]) -> dict[str, Any]:
        """Form and headers for the OAuth client: HTTP Basic with a secret (RFC 6749 §2.3.1
        form-encodes both parts first), client_id in the form for a public client."""
        client_id = self.client_id or FIRST_PARTY_CLIENT
        if self._client_secret is None:
            return {"form": {**form, "client_id": client_id}}
        credential = f"{quote_plus(client_id)}:{quote_plus(self._client_secret)}".encode()
        return {"form": form, "headers": {"authorization": f"Basic {base64.b64encode(credential).decode('ascii')}"}}

    def _remember_verifier(self, state: str, verifier: str) -> None:
        with self._pending_lock:
            self._pending_verifiers[state] = verifier
            while len(self._pending_verifiers) > MAX_PENDING_VERIFIERS:
                self._pending_verifiers.popitem(last=False)

    def _take_verifier(self, state: str) -> str | None:
        with self._pending_lock:
            return self._pending_verifiers.pop(state, None)

    @staticmethod
    def _required(value: str | None, name: str) -> str:
        if not value:
            raise ValueError(f"this call needs {name}")
        return value
