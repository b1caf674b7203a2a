"""The shapes the SDK answers with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict


@dataclass(frozen=True)
class User:
    """The suite's user object (seed 000 UserResponse) with attribute access: ``user.full_name``.

    ``raw`` keeps the whole answer (fields a newer suite adds included); ``user["email"]`` reads it too.
    """

    id: str
    email: str
    tenant_id: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    email_verified: bool = False
    is_active: bool = True
    roles: list[str] = field(default_factory=list)
    permissions: list[str] = field(default_factory=list)
    created_at: str | None = None
    updated_at: str | None = None
    last_login: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> User:
        def text(name: str) -> str | None:
            value = data.get(name)
            return value if isinstance(value, str) else None

        def strings(name: str) -> list[str]:
            value = data.get(name)
            return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []

        return cls(
            id=str(data.get("id", "")),
            email=str(data.get("email", "")),
            tenant_id=text("tenant_id"),
            username=text("username"),
            first_name=text("first_name"),
            last_name=text("last_name"),
            full_name=text("full_name"),
            email_verified=data.get("email_verified") is True,
            is_active=data.get("is_active") is not False,
            roles=strings("roles"),
            permissions=strings("permissions"),
            created_at=text("created_at"),
            updated_at=text("updated_at"),
            last_login=text("last_login"),
            raw=dict(data),
        )

    def __getitem__(self, name: str) -> Any:
        return self.raw[name]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.raw)


@dataclass(frozen=True)
class OAuthTokens:
    """The token endpoint's answer, as exchange_code_for_tokens returns it."""

    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str | None = None
    id_token: str | None = None
    scope: str | None = None


@dataclass(frozen=True)
class AuthorizationRequest:
    """A complete authorization request: the URL to send the browser to and what the callback needs."""

    url: str
    state: str
    nonce: str
    code_verifier: str


class RoleRef(TypedDict):
    id: str
    name: str
    slug: str


class UserRoles(TypedDict):
    user_id: str
    roles: list[RoleRef]
    permissions: list[str]
