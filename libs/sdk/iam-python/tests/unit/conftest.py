from __future__ import annotations

import pytest

from tests.unit.fakes import FakeIssuer


@pytest.fixture
def issuer() -> FakeIssuer:
    return FakeIssuer()
