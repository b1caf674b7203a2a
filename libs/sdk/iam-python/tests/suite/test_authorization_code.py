"""The authorization code flow with PKCE through the suite's login page, as a confidential client."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sigma_iam import IAMError, IdentityClient, MemoryTokenStorage, SigmaIAM, StoredTokens
from tests.suite.login_pages import sign_in
from tests.suite.support import NewUser, Suite

CALLBACK = "http://127.0.0.1:9/sdk-python/callback"


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def test_code_flow_with_pkce_through_the_login_page(suite: Suite, admin: SigmaIAM, new_user: Callable[[], NewUser]) -> None:
    app = admin.create_application(
        client_name=f"Python SDK app {uuid.uuid4().hex[:6]}",
        client_type="confidential",
        redirect_uris=[CALLBACK],
        allowed_grant_types=["authorization_code", "refresh_token"],
        allowed_scopes=["openid", "profile", "email"],
    )
    assert (app["client_type"], app["redirect_uris"], app["is_active"]) == ("confidential", [CALLBACK], True)
    assert app["client_secret"]
    created = new_user()

    storage = MemoryTokenStorage()
    iam = SigmaIAM(base_url=suite.base_url, client_id=app["client_id"], client_secret=app["client_secret"], redirect_uri=CALLBACK, storage=storage)
    # Seed 000's call: no code_challenge given, so the SDK makes the PKCE pair and keeps the verifier under the state.
    auth_url = iam.get_authorization_url(scope="openid profile email", state="random_state_value")
    assert query_of(auth_url)["code_challenge_method"] == "S256"
    callback = query_of(sign_in(auth_url, created.email, created.password, CALLBACK))
    assert callback["state"] == "random_state_value"

    # A wrong verifier is refused (PKCE); it is tried on the code of a second request, as a code is single use.
    # The browser session of the first sign-in is not reused here: each sign_in starts without cookies.
    second = iam.create_authorization_request("openid profile email")
    second_callback = query_of(sign_in(second.url, created.email, created.password, CALLBACK))
    with pytest.raises(IAMError) as wrong:
        iam.exchange_code_for_tokens(second_callback["code"], "x" * 43)
    assert (wrong.value.code, wrong.value.status) == ("invalid_grant", 400)

    tokens = iam.exchange_code_for_tokens(callback["code"], state=callback["state"])
    assert tokens.token_type.lower() in ("bearer", "dpop")
    assert tokens.refresh_token and tokens.id_token
    claims = iam.verify_token(tokens.access_token)
    assert (claims["sub"], claims["client_id"], claims["tid"]) == (created.id, app["client_id"], suite.tenant_id)
    assert iam.get_profile().id == created.id
    # Seed 001's client reads the OpenID Connect UserInfo with the same token.
    userinfo = IdentityClient(base_url=suite.base_url, client_id=app["client_id"], tenant_id=suite.tenant_id, access_token=tokens.access_token).get_user_info()
    assert (userinfo["sub"], userinfo["email"]) == (created.id, created.email)

    # The suite refuses the access token: the SDK refreshes at the token endpoint with client_secret_basic.
    stored = storage.get()
    assert stored is not None and stored.source == "oauth"
    storage.set(StoredTokens(access_token="not-a-token", refresh_token=stored.refresh_token, source="oauth", id_token=stored.id_token))
    assert iam.get_user_roles()["user_id"] == created.id
    refreshed = storage.get()
    assert refreshed is not None and refreshed.refresh_token not in (None, tokens.refresh_token)

    iam.logout()
    assert storage.get() is None
    reuse = httpx.post(
        f"{suite.base_url}/oauth/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": refreshed.refresh_token},
        auth=(app["client_id"], app["client_secret"]),
    )
    assert (reuse.status_code, reuse.json()["error"]) == (400, "invalid_grant")


class RecordingTransport(httpx.HTTPTransport):
    """Records each request's path and answer status, to show a refusal and the refresh that follows it."""

    def __init__(self) -> None:
        super().__init__()
        self.exchanges: list[tuple[str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.exchanges.append((request.url.path, response.status_code))
        return response


def test_access_tokens_that_expired_at_the_suite_are_refreshed(suite: Suite, admin: SigmaIAM, new_user: Callable[[], NewUser]) -> None:
    # The shortest access token lifetime the registry accepts (60 s), so the tokens really expire during the test.
    app = admin.create_application(
        client_name=f"Python SDK short-lived {uuid.uuid4().hex[:6]}",
        client_type="confidential",
        redirect_uris=[CALLBACK],
        allowed_grant_types=["authorization_code", "refresh_token"],
        allowed_scopes=["openid", "profile", "email"],
        token_lifetimes={"access_token": 60},
    )
    created = new_user()

    def signed_in() -> tuple[SigmaIAM, MemoryTokenStorage, RecordingTransport, StoredTokens]:
        storage = MemoryTokenStorage()
        transport = RecordingTransport()
        iam = SigmaIAM(
            base_url=suite.base_url, client_id=app["client_id"], client_secret=app["client_secret"], redirect_uri=CALLBACK, storage=storage, transport=transport
        )
        request = iam.create_authorization_request("openid profile email")
        callback = query_of(sign_in(request.url, created.email, created.password, CALLBACK))
        assert callback["state"] == request.state
        iam.exchange_code_for_tokens(callback["code"], request.code_verifier)
        stored = storage.get()
        assert stored is not None and stored.refresh_token is not None
        return iam, storage, transport, stored

    # Two sessions of the same user: one whose SDK knows when its token expires, one whose SDK does not
    # (a stored expiry ahead of the suite's clock), which learns it from the suite's 401.
    knowing, knowing_storage, knowing_transport, knowing_tokens = signed_in()
    unaware, unaware_storage, unaware_transport, unaware_tokens = signed_in()
    claims = [knowing.verify_token(tokens.access_token) for tokens in (knowing_tokens, unaware_tokens)]
    assert [token["exp"] - token["iat"] for token in claims] == [60, 60]
    unaware_storage.set(
        StoredTokens(access_token=unaware_tokens.access_token, refresh_token=unaware_tokens.refresh_token, source="oauth", expires_at=time.time() + 3600)
    )

    # Past the expiry and the gateway's clock tolerance (5 s): the suite itself refuses both tokens.
    time.sleep(max(0.0, max(token["exp"] for token in claims) + 7 - time.time()))
    for expired in (knowing_tokens.access_token, unaware_tokens.access_token):
        assert httpx.get(f"{suite.base_url}/api/v1/me", headers={"authorization": f"Bearer {expired}"}).status_code == 401

    # The SDK that knows the expiry refreshes before the call: the expired token is never sent.
    knowing_transport.exchanges.clear()
    assert knowing.get_profile().id == created.id
    assert knowing_transport.exchanges == [("/oauth/v1/token", 200), ("/api/v1/me", 200)]
    renewed = knowing_storage.get()
    assert renewed is not None and renewed.access_token != knowing_tokens.access_token and renewed.refresh_token != knowing_tokens.refresh_token

    # The other sends it, meets 401, refreshes once and repeats the call with the new token.
    unaware_transport.exchanges.clear()
    assert unaware.get_user_roles()["user_id"] == created.id
    assert unaware_transport.exchanges == [("/api/v1/me/roles", 401), ("/oauth/v1/token", 200), ("/api/v1/me/roles", 200)]
    refreshed = unaware_storage.get()
    assert refreshed is not None and refreshed.access_token != unaware_tokens.access_token and refreshed.refresh_token != unaware_tokens.refresh_token
