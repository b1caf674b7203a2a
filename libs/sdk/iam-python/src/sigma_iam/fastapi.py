"""FastAPI integration (seed 000): ``get_current_user`` and ``require_permission`` dependencies.

Needs the ``fastapi`` extra: ``pip install 'sigma-iam-python[fastapi]'``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .client import SigmaIAM
from .errors import IAMError

_bearer = HTTPBearer(auto_error=False, description="A Sigma IAM access token", bearerFormat="JWT")


def permits(granted: list[str], required: str) -> bool:
    """Whether ``granted`` holds ``required`` (``resource:action``), directly, as ``resource:*`` or as ``*``."""
    resource = required.split(":", 1)[0]
    return any(permission in ("*", required, f"{resource}:*") for permission in granted)


def _refused(status: int, code: str, message: str, challenge: str) -> HTTPException:
    return HTTPException(status_code=status, detail={"code": code, "message": message}, headers={"WWW-Authenticate": challenge})


class SigmaIAMMiddleware:
    """Protects FastAPI routes with the suite's access tokens, as seed 000 shows::

        iam = SigmaIAMMiddleware(app, base_url=..., client_id=..., client_secret=...)

        @app.get("/protected")
        async def protected(user: dict = Depends(iam.get_current_user)): ...

        @app.get("/admin")
        async def admin(user: dict = Depends(iam.require_permission("admin:read"))): ...

    ``get_current_user`` verifies the bearer token locally (signature against the tenant's cached
    JWKS, issuer, audience, expiry), then, with ``fetch_user`` (default), reads the user from the
    suite with that same token (GET /api/v1/me): the user dict has the suite's user fields
    (``full_name``, ``email``, ...), and a token whose session was revoked is refused at once,
    which local verification alone cannot see. ``user["claims"]`` holds the verified claims.
    Without ``fetch_user`` no call is made per request and the dict is built from the claims
    (``full_name`` is then None). ``require_permission`` checks the token's ``permissions`` claim.

    The dependencies are plain functions: FastAPI runs them in its thread pool, so their HTTP
    calls do not block the event loop. DPoP-bound tokens are refused (this dependency does not
    check DPoP proofs, and a bound token must not be accepted as a bearer token: RFC 9449 §7.1).
    """

    def __init__(
        self,
        app: FastAPI | None,
        *,
        base_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        tenant_id: str | None = None,
        fetch_user: bool = True,
        **options: Any,
    ) -> None:
        self.iam = SigmaIAM(base_url, client_id, client_secret, tenant_id=tenant_id, **options)
        self._fetch_user = fetch_user
        if app is not None:
            app.state.sigma_iam = self

    def close(self) -> None:
        self.iam.close()

    def get_current_user(self, credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> dict[str, Any]:
        """The caller's user; 401 without a valid bearer token."""
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise _refused(401, "AUTHENTICATION_REQUIRED", "A bearer access token is required", "Bearer")
        token = credentials.credentials
        try:
            claims = self.iam.verify_token(token)
        except IAMError as error:
            raise self._http_error_of(error) from None
        if isinstance(claims.get("cnf"), dict):
            raise _refused(401, "INVALID_TOKEN", "A DPoP-bound token cannot be used as a bearer token", 'Bearer error="invalid_token"')
        if not self._fetch_user:
            return {
                "id": claims["sub"],
                "tenant_id": claims.get("tid"),
                "full_name": None,
                "roles": list(claims.get("roles") or []),
                "permissions": list(claims.get("permissions") or []),
                "claims": claims,
            }
        try:
            user = self.iam.get_profile_with_token(token)
        except IAMError as error:
            raise self._http_error_of(error) from None
        return {**user.to_dict(), "claims": claims}

    def require_permission(self, *permissions: str) -> Callable[..., dict[str, Any]]:
        """A dependency answering the caller's user when the token grants every one of
        ``permissions``; 401 without a valid token, 403 without the permissions."""
        if not permissions:
            raise ValueError("require_permission needs at least one permission")

        def permitted_user(user: dict[str, Any] = Depends(self.get_current_user)) -> dict[str, Any]:
            granted = [permission for permission in user["claims"].get("permissions") or [] if isinstance(permission, str)]
            missing = [permission for permission in permissions if not permits(granted, permission)]
            if missing:
                raise _refused(
                    403,
                    "INSUFFICIENT_PERMISSIONS",
                    f"Missing permission: {', '.join(missing)}",
                    f'Bearer error="insufficient_scope", scope="{" ".join(missing)}"',
                )
            return user

        return permitted_user

    @staticmethod
    def _http_error_of(error: IAMError) -> HTTPException:
        if error.status == 401 or error.code == "INVALID_TOKEN":
            return _refused(401, "INVALID_TOKEN", error.message, 'Bearer error="invalid_token"')
        if error.status == 403:
            return _refused(403, "INSUFFICIENT_PERMISSIONS", error.message, 'Bearer error="insufficient_scope"')
        return HTTPException(status_code=503, detail={"code": "SERVICE_UNAVAILABLE", "message": "The identity service cannot be reached"})
