from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from sigma_iam.fastapi import SigmaIAMMiddleware, permits
from tests.unit.fakes import BASE_URL, FakeIssuer


def test_permits_honours_exact_resource_wildcard_and_star() -> None:
    assert permits(["admin:read"], "admin:read")
    assert permits(["admin:*"], "admin:read")
    assert permits(["*"], "admin:read")
    assert not permits(["admin:write", "users:*"], "admin:read")
    assert not permits([], "admin:read")


@pytest.fixture
def app(issuer: FakeIssuer) -> TestClient:
    app = FastAPI()
    iam = SigmaIAMMiddleware(app, base_url=BASE_URL, client_id="app", fetch_user=False, transport=httpx.MockTransport(issuer.handle))

    @app.get("/me")
    def me(user: dict[str, Any] = Depends(iam.get_current_user)) -> dict[str, Any]:
        return {"id": user["id"], "full_name": user["full_name"], "permissions": user["permissions"]}

    @app.get("/admin")
    def admin(user: dict[str, Any] = Depends(iam.require_permission("admin:read", "users:read"))) -> dict[str, str]:
        return {"id": user["id"]}

    assert app.state.sigma_iam is iam
    return TestClient(app)


def test_without_fetch_user_the_user_comes_from_the_verified_claims(app: TestClient, issuer: FakeIssuer) -> None:
    answer = app.get("/me", headers={"authorization": f"Bearer {issuer.token(sub='u-1')}"})
    assert (answer.status_code, answer.json()) == (200, {"id": "u-1", "full_name": None, "permissions": ["users:read"]})


def test_require_permission_needs_every_permission(app: TestClient, issuer: FakeIssuer) -> None:
    missing = app.get("/admin", headers={"authorization": f"Bearer {issuer.token()}"})
    assert missing.status_code == 403
    assert missing.json()["detail"] == {"code": "INSUFFICIENT_PERMISSIONS", "message": "Missing permission: admin:read"}
    assert missing.headers["www-authenticate"] == 'Bearer error="insufficient_scope", scope="admin:read"'
    granted = app.get("/admin", headers={"authorization": f"Bearer {issuer.token(sub='u-2', permissions=['admin:*', 'users:read'])}"})
    assert (granted.status_code, granted.json()) == (200, {"id": "u-2"})


def test_missing_invalid_and_dpop_bound_tokens_are_401(app: TestClient, issuer: FakeIssuer) -> None:
    assert app.get("/me").status_code == 401
    assert app.get("/me", headers={"authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    expired = app.get("/me", headers={"authorization": f"Bearer {issuer.token(exp=1)}"})
    assert (expired.status_code, expired.headers["www-authenticate"]) == (401, 'Bearer error="invalid_token"')
    bound = app.get("/me", headers={"authorization": f"Bearer {issuer.token(cnf={'jkt': 'thumbprint'})}"})
    assert (bound.status_code, bound.json()["detail"]["code"]) == (401, "INVALID_TOKEN")


def test_an_unreachable_key_set_is_503(issuer: FakeIssuer) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    app = FastAPI()
    iam = SigmaIAMMiddleware(app, base_url=BASE_URL, transport=httpx.MockTransport(down), retries=0)

    @app.get("/me")
    def me(user: dict[str, Any] = Depends(iam.get_current_user)) -> dict[str, Any]:
        return user

    answer = TestClient(app).get("/me", headers={"authorization": f"Bearer {issuer.token()}"})
    assert (answer.status_code, answer.json()["detail"]["code"]) == (503, "SERVICE_UNAVAILABLE")
