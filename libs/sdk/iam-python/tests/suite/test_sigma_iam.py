"""SigmaIAM (seed 000's Python SDK) as an application uses it, against the distributed suite."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import httpx
import pytest

from sigma_iam import IAMError, MemoryTokenStorage, SigmaIAM, StoredTokens
from tests.suite.support import NewUser, Suite, tampered


def test_seed_000_calls_login_profile_roles(suite: Suite, admin: SigmaIAM, new_user: Callable[[], NewUser]) -> None:
    created = new_user()
    iam = SigmaIAM(base_url=suite.base_url, client_id="sigma-iam")
    user = iam.login(created.email, created.password)
    assert (user.id, user.email, user.tenant_id, user.roles) == (created.id, created.email, suite.tenant_id, ["user"])

    assert iam.get_profile().email == created.email
    updated = iam.update_profile(full_name="John Doe")
    assert (updated.full_name, updated.first_name, updated.last_name) == ("John Doe", "John", "Doe")
    assert iam.get_profile().full_name == "John Doe"
    assert [role["slug"] for role in iam.get_user_roles()["roles"]] == ["user"]

    assigned = admin.assign_role(user_id=created.id, role="admin")
    assert sorted(role["name"] for role in assigned["roles"]) == ["admin", "user"]
    roles = iam.get_user_roles()
    assert sorted(role["slug"] for role in roles["roles"]) == ["admin", "user"]
    assert roles["user_id"] == created.id
    assert len(roles["permissions"]) > 0


def test_refusals_are_iam_errors_with_code_status_details_and_request_id(suite: Suite, admin: SigmaIAM, new_user: Callable[[], NewUser]) -> None:
    with pytest.raises(IAMError) as wrong:
        SigmaIAM(suite.base_url).login(suite.admin_email, "not-the-password")
    assert (wrong.value.code, wrong.value.status) == ("INVALID_CREDENTIALS", 401)
    assert wrong.value.request_id

    with pytest.raises(IAMError) as invalid:
        admin.create_application(client_name="", redirect_uris=["not a uri"])
    assert (invalid.value.code, invalid.value.status) == ("VALIDATION_ERROR", 400)
    assert invalid.value.details and all(detail["field"] and detail["message"] for detail in invalid.value.details)

    created = new_user()
    user = SigmaIAM(suite.base_url)
    user.login(created.email, created.password)
    with pytest.raises(IAMError) as forbidden:
        user.assign_role(user_id=created.id, role="super-admin")
    assert (forbidden.value.code, forbidden.value.status) == ("INSUFFICIENT_PERMISSIONS", 403)
    with pytest.raises(IAMError) as anonymous:
        SigmaIAM(suite.base_url).get_profile()
    assert anonymous.value.code == "AUTHENTICATION_REQUIRED"


def test_concurrent_calls_refused_together_refresh_once(suite: Suite) -> None:
    storage = MemoryTokenStorage()
    iam = SigmaIAM(suite.base_url, storage=storage)
    iam.login(suite.admin_email, suite.admin_password)
    login = storage.get()
    assert login is not None and login.refresh_token is not None
    storage.set(StoredTokens(access_token=tampered(login.access_token), refresh_token=login.refresh_token, source="login", expires_at=login.expires_at))

    # Five threads meet 401 together. Two refreshes would present a spent refresh token, which the
    # suite answers by revoking the whole session: every call succeeding shows one refresh ran.
    emails: list[str] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            emails.append(iam.get_profile().email)
        except IAMError as error:
            errors.append(error)

    threads = [threading.Thread(target=call) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert emails == [suite.admin_email] * 5
    renewed = storage.get()
    assert renewed is not None and renewed.refresh_token not in (None, login.refresh_token)
    replay = httpx.post(f"{suite.base_url}/api/v1/auth/refresh", json={"refresh_token": login.refresh_token})
    assert replay.status_code == 401

    # That replay of the spent token revoked the session (reuse detection): the SDK's next refresh
    # is refused, and the SDK signs out locally.
    storage.set(StoredTokens(access_token=renewed.access_token, refresh_token=renewed.refresh_token, source="login", expires_at=0.0))
    with pytest.raises(IAMError) as refused:
        iam.get_profile()
    assert refused.value.status == 401
    assert storage.get() is None


def test_an_expired_access_token_is_refreshed_before_the_call(suite: Suite) -> None:
    storage = MemoryTokenStorage()
    iam = SigmaIAM(suite.base_url, storage=storage)
    iam.login(suite.admin_email, suite.admin_password)
    login = storage.get()
    assert login is not None
    storage.set(StoredTokens(access_token=login.access_token, refresh_token=login.refresh_token, source="login", expires_at=1.0))
    assert "super-admin" in [role["slug"] for role in iam.get_user_roles()["roles"]]
    renewed = storage.get()
    assert renewed is not None and renewed.refresh_token != login.refresh_token
    assert renewed.expires_at is not None and renewed.expires_at > 1.0


class CountingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return super().handle_request(request)


def test_verifies_the_suites_tokens_locally_with_a_cached_key_set(suite: Suite) -> None:
    counting = CountingTransport()
    iam = SigmaIAM(suite.base_url, tenant_id=suite.tenant_id, transport=counting)
    user = iam.login(suite.admin_email, suite.admin_password)
    token = iam.get_access_token()
    assert token is not None
    claims = iam.verify_token(token)
    assert (claims["sub"], claims["tid"], claims["client_id"]) == (user.id, suite.tenant_id, "sigma-iam")
    assert claims["iss"] == f"{suite.base_url}/oauth/tenants/{suite.tenant_id}"
    assert "super-admin" in claims["roles"]
    for _ in range(3):
        iam.verify_token(token)
    assert counting.paths.count("/.well-known/jwks.json") == 1

    refusals: list[Callable[[], object]] = [
        lambda: iam.verify_token(tampered(token)),
        lambda: SigmaIAM(suite.base_url, tenant_id=str(uuid.uuid4())).verify_token(token),
        lambda: SigmaIAM(suite.base_url, issuer_base_url="https://elsewhere.example").verify_token(token),
        lambda: SigmaIAM(suite.base_url, audience="urn:another:api").verify_token(token),
    ]
    for refused in refusals:
        with pytest.raises(IAMError) as raised:
            refused()
        assert (raised.value.code, raised.value.status) == ("INVALID_TOKEN", 401)


def test_logout_ends_the_session_at_the_suite(suite: Suite) -> None:
    storage = MemoryTokenStorage()
    iam = SigmaIAM(suite.base_url, storage=storage)
    iam.login(suite.admin_email, suite.admin_password)
    tokens = storage.get()
    assert tokens is not None
    iam.logout()
    assert storage.get() is None
    assert httpx.post(f"{suite.base_url}/api/v1/auth/refresh", json={"refresh_token": tokens.refresh_token}).status_code == 401
    with pytest.raises(IAMError) as raised:
        iam.get_profile()
    assert raised.value.code == "AUTHENTICATION_REQUIRED"
