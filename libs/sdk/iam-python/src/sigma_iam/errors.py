"""The one exception of the SDK, and how the suite's error bodies become it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict


class IAMErrorDetail(TypedDict):
    """A field the server refused, as the suite's error bodies list it."""

    field: str
    message: str


class IAMError(Exception):
    """Every failure of the SDK.

    ``code`` is the suite's error code (seed 000: ``VALIDATION_ERROR``, ``RATE_LIMIT_EXCEEDED``,
    ``AUTHENTICATION_REQUIRED``, ...; the OAuth endpoints: ``invalid_grant``, ...) or the SDK's own
    (``NETWORK_ERROR``, ``TIMEOUT``, ``INVALID_RESPONSE``, ``MFA_REQUIRED``, ``INVALID_TOKEN``),
    ``status`` the HTTP status (0 when no answer came) and ``details`` the fields a validation error
    names. It never carries a token, a password or a secret.
    """

    def __init__(
        self,
        code: str,
        message: str,
        status: int,
        details: list[IAMErrorDetail] | None = None,
        *,
        request_id: str | None = None,
        retry_after: int | None = None,
        mfa_session_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = details
        #: The request id the suite answered with (x-request-id), for support.
        self.request_id = request_id
        #: Seconds to wait before trying again (429 and locked accounts).
        self.retry_after = retry_after
        #: The MFA session to finish with complete_mfa_login, when code is MFA_REQUIRED.
        self.mfa_session_id = mfa_session_id

    def __repr__(self) -> str:
        return f"IAMError(code={self.code!r}, status={self.status}, message={self.message!r})"


_CODE_OF_STATUS = {
    400: "VALIDATION_ERROR",
    401: "AUTHENTICATION_REQUIRED",
    403: "INSUFFICIENT_PERMISSIONS",
    404: "RESOURCE_NOT_FOUND",
    409: "CONFLICT",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMIT_EXCEEDED",
    503: "SERVICE_UNAVAILABLE",
}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _seconds(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _details(value: Any) -> list[IAMErrorDetail] | None:
    if not isinstance(value, list):
        return None
    return [IAMErrorDetail(field=_text(item.get("field")) or "", message=_text(item.get("message")) or "") for item in value if isinstance(item, dict)]


def iam_error_of(status: int, body: Any, headers: Mapping[str, str] | None = None) -> IAMError:
    """The IAMError of an unsuccessful answer, whichever route family's body it carries.

    The Sigma body ``{error: {code, message, details, request_id}}`` (/api/v1), the OAuth body
    ``{error, error_description}`` (/oauth, /.well-known, /webauthn) or seed 002's envelope
    ``{success: false, error, code}``. A body in none of these shapes still gives a code from the status.
    """
    fallback = _CODE_OF_STATUS.get(status) or ("SERVER_ERROR" if status >= 500 else "HTTP_ERROR")
    default_message = f"The server answered {status}"
    root = body if isinstance(body, dict) else None
    nested = root.get("error") if root is not None and isinstance(root.get("error"), dict) else None
    if nested is not None:
        error = IAMError(
            _text(nested.get("code")) or fallback,
            _text(nested.get("message")) or default_message,
            status,
            _details(nested.get("details")),
            request_id=_text(nested.get("request_id")),
            retry_after=_seconds(nested.get("retry_after")),
        )
    elif root is not None and root.get("success") is False and _text(root.get("code")):
        error = IAMError(
            _text(root.get("code")) or fallback,
            _text(root.get("error")) or _text(root.get("message")) or default_message,
            status,
            _details(root.get("details")),
            request_id=_text(root.get("requestId")),
        )
    elif root is not None and _text(root.get("error")):
        code = _text(root.get("error")) or fallback
        error = IAMError(code, _text(root.get("error_description")) or code, status, retry_after=_seconds(root.get("retry_after")))
    else:
        error = IAMError(fallback, default_message, status)
    if headers is not None:
        if error.request_id is None:
            error.request_id = _text(headers.get("x-request-id"))
        if error.retry_after is None:
            error.retry_after = _seconds(headers.get("retry-after"))
    return error
