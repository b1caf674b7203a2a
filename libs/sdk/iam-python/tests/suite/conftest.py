"""Fixtures of the tests against the running suite; they seed users through the SDK itself."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from sigma_iam import SigmaIAM
from tests.suite.support import USER_PASSWORD, NewUser, Suite


@pytest.fixture(scope="session")
def suite() -> Suite:
    return Suite.from_environment()


@pytest.fixture(scope="session")
def admin(suite: Suite) -> Iterator[SigmaIAM]:
    iam = SigmaIAM(suite.base_url)
    iam.login(suite.admin_email, suite.admin_password)
    yield iam
    iam.close()


@pytest.fixture
def new_user(admin: SigmaIAM) -> Callable[[], NewUser]:
    def create() -> NewUser:
        email = f"py-{uuid.uuid4().hex[:10]}@example.com"
        created = admin.request("POST", "/api/v1/users", json={"email": email, "password": USER_PASSWORD})
        return NewUser(id=created["id"], email=email, password=USER_PASSWORD)

    return create
