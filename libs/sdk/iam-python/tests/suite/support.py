"""Helpers of the tests against the running suite."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

USER_PASSWORD = "Sdk-python-password-1!"
T = TypeVar("T")


@dataclass(frozen=True)
class Suite:
    """Where the suite is: apps/suite-e2e/src/sdk-python.e2e-spec.ts starts it and sets these."""

    base_url: str
    admin_email: str
    admin_password: str
    tenant_id: str

    @classmethod
    def from_environment(cls) -> Suite:
        def required(name: str) -> str:
            value = os.environ.get(name)
            if not value:
                raise RuntimeError(f"{name} is not set: these tests run against the suite (apps/suite-e2e/src/sdk-python.e2e-spec.ts starts it)")
            return value

        return cls(
            base_url=required("SIGMA_IAM_BASE_URL"),
            admin_email=required("SIGMA_IAM_ADMIN_EMAIL"),
            admin_password=required("SIGMA_IAM_ADMIN_PASSWORD"),
            tenant_id=required("SIGMA_IAM_TENANT_ID"),
        )


@dataclass(frozen=True)
class NewUser:
    id: str
    email: str
    password: str


def eventually(check: Callable[[], T], timeout: float = 20.0) -> T:
    """check() once it stops raising AssertionError (events reach the gateway through Kafka)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def tampered(token: str) -> str:
    """The token with one signature character changed: issued by the suite, no longer its signature."""
    return token[:-2] + ("B" if token[-2] == "A" else "A") + token[-1]
