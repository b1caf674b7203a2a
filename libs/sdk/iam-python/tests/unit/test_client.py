from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sigma_iam import IAMError, MemoryTokenStorage, SigmaIAM, StoredTokens

BASE_URL = "https://iam.example"
USER = {"id": "u-1", "email": "ada@example.com", "full_name": "Ada Lovelace", "roles": ["user"], "permissions": ["profile:read"]}


class FakeSuite:
    """The suite's login, refresh, profile and token endpoints, enough to drive the token lifecycle."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation = 0
        self.refreshes = 0
        self.spent: set[str] = set()
        self.requests: list[httpx.Request] = []
        self.refresh_gate = threading.Event()
        self.refresh_gate.set()

    def tokens(self) -> dict[str, Any]:
        self.generation += 1
        return {"access_token": f"at-{self.generation}", "refresh_token": f"rt-{self.generation}", "token_type": "Bearer", "expires_in": 900}

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
        path = request.url.path
        if path == "/api/v1/auth/login":
            body = json.loads(request.content)
            if body["password"] != "right":
                return httpx.Response(401, json={"error": {"code": "INVALID_CREDENTIALS", "message": "Invalid credentials"}})
            if body["username"] == "mfa@example.com":
                return httpx.Response(200, json={"mfa_required": True, "mfa_session_id": "mfa-1"})
            with self.lock:
                return httpx.Response(200, json={**self.tokens(), "user": USER})
        if path == "/api/v1/auth/refresh":
            self.refresh_gate.wait(5)
            token = json.loads(request.content)["refresh_token"]
            with self.lock:
                self.refreshes += 1
                if token in self.spent or token != f"rt-{self.generation}":
                    return httpx.Response(401, json={"error": {"code": "INVALID_TOKEN", "message": "Refresh token refused"}})
                self.spent.add(token)
                return httpx.Response(200, json=self.tokens())
        if path == "/api/v1/me":
            with self.lock:
                current = f"Bearer at-{self.generation}"
            if request.headers.get("authorization") != current:
                return httpx.Response(401, json={"error": {"code": "INVALID_TOKEN", "message": "Token refused"}})
            return httpx.Response(200, json=USER)
        if path == "/api/v1/auth/logout":
            return httpx.Response(204)
        if path == "/oauth/v1/token":
            return httpx.Response(200, json={**self.tokens(), "id_token": "id-1", "scope": "openid"})
        return httpx.Response(404, json={"error": {"code": "RESOURCE_NOT_FOUND", "message": path}})


@pytest.fixture
def suite() -> FakeSuite:
    return FakeSuite()


def sdk(suite: FakeSuite, **options: Any) -> SigmaIAM:
    return SigmaIAM(BASE_URL, transport=httpx.MockTransport(suite.handle), **options)


def test_login_returns_the_user_and_keeps_the_tokens(suite: FakeSuite) -> None:
    storage = MemoryTokenStorage()
    iam = sdk(suite, storage=storage, tenant_id="t-1")
    user = iam.login("ada@example.com", "right")
    assert (user.full_name, user.email, user["permissions"]) == ("Ada Lovelace", "ada@example.com", ["profile:read"])
    stored = storage.get()
    assert stored is not None
    assert (stored.access_token, stored.refresh_token, stored.source) == ("at-1", "rt-1", "login")
    assert json.loads(suite.requests[0].content) == {"username": "ada@example.com", "password": "right", "tenant_id": "t-1"}
    assert iam.get_profile().id == "u-1"


def test_login_failures_and_mfa_are_iam_errors(suite: FakeSuite) -> None:
    iam = sdk(suite)
    with pytest.raises(IAMError) as raised:
        iam.login("ada@example.com", "wrong")
    assert (raised.value.code, raised.value.status) == ("INVALID_CREDENTIALS", 401)
    with pytest.raises(IAMError) as raised:
        iam.login("mfa@example.com", "right")
    assert (raised.value.code, raised.value.mfa_session_id) == ("MFA_REQUIRED", "mfa-1")
    with pytest.raises(IAMError) as raised:
        iam.get_profile()
    assert raised.value.code == "AUTHENTICATION_REQUIRED"


def test_concurrent_calls_refused_together_share_one_refresh(suite: FakeSuite) -> None:
    storage = MemoryTokenStorage()
    iam = sdk(suite, storage=storage)
    iam.login("ada@example.com", "right")
    stale = storage.get()
    assert stale is not None
    storage.set(StoredTokens(access_token="at-revoked", refresh_token=stale.refresh_token, source="login", expires_at=stale.expires_at))
    suite.refresh_gate.clear()
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(iam.get_profile().id)) for _ in range(5)]
    for thread in threads:
        thread.start()
    # The one refresh is held at the suite until every thread has met its 401.
    deadline = time.monotonic() + 10
    while sum(request.url.path == "/api/v1/me" for request in list(suite.requests)) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    suite.refresh_gate.set()
    for thread in threads:
        thread.join(10)
    assert results == ["u-1"] * 5
    assert suite.refreshes == 1


def test_an_expiring_token_is_refreshed_before_the_call(suite: FakeSuite) -> None:
    storage = MemoryTokenStorage()
    iam = sdk(suite, storage=storage)
    iam.login("ada@example.com", "right")
    current = storage.get()
    assert current is not None
    storage.set(StoredTokens(access_token=current.access_token, refresh_token=current.refresh_token, source="login", expires_at=time.time() + 10))
    assert iam.get_profile().id == "u-1"
    assert suite.refreshes == 1
    assert [request.url.path for request in suite.requests] == ["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/me"]


def test_a_refused_refresh_signs_out_locally(suite: FakeSuite) -> None:
    storage = MemoryTokenStorage()
    iam = sdk(suite, storage=storage)
    iam.login("ada@example.com", "right")
    storage.set(StoredTokens(access_token="at-x", refresh_token="rt-stolen", source="login"))
    with pytest.raises(IAMError) as raised:
        iam.get_profile()
    assert (raised.value.code, raised.value.status) == ("INVALID_TOKEN", 401)
    assert storage.get() is None


def test_logout_revokes_and_forgets_even_when_the_suite_is_down(suite: FakeSuite) -> None:
    storage = MemoryTokenStorage()
    iam = sdk(suite, storage=storage)
    iam.login("ada@example.com", "right")
    iam.logout()
    assert suite.requests[-1].url.path == "/api/v1/auth/logout"
    assert json.loads(suite.requests[-1].content) == {"refresh_token": "rt-1"}
    assert storage.get() is None

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    offline = SigmaIAM(BASE_URL, transport=httpx.MockTransport(down), storage=storage)
    storage.set(StoredTokens(access_token="a", refresh_token="r", source="login"))
    with pytest.raises(IAMError):
        offline.logout()
    assert storage.get() is None


def test_authorization_url_carries_pkce_and_the_kept_verifier_redeems_the_code(suite: FakeSuite) -> None:
    iam = sdk(suite, client_id="app-1", client_secret="s3cret:+", redirect_uri="https://app.example/cb", tenant_id="t-1")
    url = iam.get_authorization_url(scope="read write", state="random_state_value")
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{BASE_URL}/oauth/v1/authorize"
    assert query["response_type"] == "code"
    assert (query["client_id"], query["redirect_uri"], query["scope"], query["state"], query["tenant_id"]) == (
        "app-1",
        "https://app.example/cb",
        "read write",
        "random_state_value",
        "t-1",
    )
    assert query["code_challenge_method"] == "S256"

    tokens = iam.exchange_code_for_tokens("code-1", state="random_state_value")
    assert (tokens.access_token, tokens.id_token, tokens.expires_in) == ("at-1", "id-1", 900)
    sent = suite.requests[-1]
    form = {name: values[0] for name, values in parse_qs(sent.content.decode()).items()}
    challenge = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=").decode()
    assert challenge == query["code_challenge"]
    assert form["grant_type"] == "authorization_code"
    assert "client_id" not in form
    assert sent.headers["authorization"] == "Basic " + base64.b64encode(b"app-1:s3cret%3A%2B").decode()
    # The verifier is used once.
    with pytest.raises(IAMError):
        iam.exchange_code_for_tokens("code-2", state="random_state_value")


def test_create_authorization_request_gives_a_fresh_pkce_pair_per_call(suite: FakeSuite) -> None:
    iam = sdk(suite, client_id="public-app", redirect_uri="https://app.example/cb")
    first, second = iam.create_authorization_request("openid"), iam.create_authorization_request("openid")
    assert first.state != second.state
    assert first.code_verifier != second.code_verifier
    assert f"state={first.state}" in first.url
    assert f"nonce={first.nonce}" in first.url
    with pytest.raises(ValueError, match="redirect_uri"):
        SigmaIAM(BASE_URL, client_id="x").get_authorization_url("openid", "s")
    with pytest.raises(ValueError, match="base_url"):
        SigmaIAM("iam.example")
