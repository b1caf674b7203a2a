"""The FastAPI example (docs/examples/python) and a revoked session's token, against the suite."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from sigma_iam import IAMError, IdentityGateway, MemoryTokenStorage, SigmaIAM
from tests.suite.support import NewUser, Suite, eventually


@pytest.fixture
def example(suite: Suite) -> Iterator[TestClient]:
    # The example reads SIGMA_IAM_BASE_URL (set by the e2e spec) when imported.
    import fastapi_example

    with TestClient(fastapi_example.app) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_the_fastapi_example_guards_its_routes(suite: Suite, admin: SigmaIAM, new_user: Callable[[], NewUser], example: TestClient) -> None:
    created = new_user()
    iam = SigmaIAM(suite.base_url)
    iam.login(created.email, created.password)
    iam.update_profile(full_name="Grace Hopper")
    token = iam.get_access_token()
    assert token is not None

    anonymous = example.get("/protected")
    assert (anonymous.status_code, anonymous.json()["detail"]["code"], anonymous.headers["www-authenticate"]) == (401, "AUTHENTICATION_REQUIRED", "Bearer")
    forged = example.get("/protected", headers=bearer("not-a-token"))
    assert (forged.status_code, forged.headers["www-authenticate"]) == (401, 'Bearer error="invalid_token"')

    protected = example.get("/protected", headers=bearer(token))
    assert (protected.status_code, protected.json()) == (200, {"message": "Hello, Grace Hopper"})
    refused = example.get("/admin", headers=bearer(token))
    assert (refused.status_code, refused.json()["detail"]["code"]) == (403, "INSUFFICIENT_PERMISSIONS")

    # admin:read is the application's own permission: a tenant role grants it.
    role = admin.request("POST", "/api/v1/roles", json={"name": f"Auditor {uuid.uuid4().hex[:6]}", "permissions": ["admin:read"]})
    admin.assign_role(user_id=created.id, role=role["name"])
    auditor = SigmaIAM(suite.base_url)
    auditor.login(created.email, created.password)
    auditor_token = auditor.get_access_token()
    assert auditor_token is not None
    granted = example.get("/admin", headers=bearer(auditor_token))
    assert (granted.status_code, granted.json()) == (200, {"message": "Admin access granted"})


def test_a_revoked_sessions_token_is_refused_after_session_revoked(suite: Suite, new_user: Callable[[], NewUser], example: TestClient) -> None:
    created = new_user()
    storage = MemoryTokenStorage()
    iam = SigmaIAM(suite.base_url, storage=storage)
    iam.login(created.email, created.password)
    tokens = storage.get()
    assert tokens is not None
    identity = IdentityGateway(client_id="sigma-iam", base_url=suite.base_url)
    assert identity.verify_token(f"Bearer {tokens.access_token}")["email"] == created.email
    assert example.get("/protected", headers=bearer(tokens.access_token)).status_code == 200

    iam.logout()  # ends the session: session-service publishes session.revoked

    # The suite's own check (seed 002's verify action) sees the ended session at once.
    with pytest.raises(IAMError) as refused:
        identity.verify_token(f"Bearer {tokens.access_token}")
    assert (refused.value.code, refused.value.status) == ("INVALID_TOKEN", 401)
    # Local verification cannot: the signature, issuer and lifetime still hold (docs/sdks.md says so).
    assert SigmaIAM(suite.base_url).verify_token(tokens.access_token)["sub"] == created.id

    # Once session.revoked reaches the gateway, the FastAPI dependency (which reads the user with
    # the token) refuses it, and an SDK holding the old tokens is refused and signs out.
    def fastapi_refuses() -> None:
        assert example.get("/protected", headers=bearer(tokens.access_token)).status_code == 401

    eventually(fastapi_refuses)
    holder_storage = MemoryTokenStorage()
    holder = SigmaIAM(suite.base_url, storage=holder_storage)
    holder.set_tokens(tokens)
    with pytest.raises(IAMError) as signed_out:
        holder.get_profile()
    assert signed_out.value.status == 401
    assert holder_storage.get() is None
