"""httpx with what every SDK call needs: base URL, timeouts, error bodies, safe retries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx

from .errors import IAMError, iam_error_of

#: RFC 9110 §9.2.2: sending these twice has the effect of sending them once, so a retry is safe.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})


def _defined(values: Mapping[str, str | None] | None) -> dict[str, str]:
    return {name: value for name, value in (values or {}).items() if value is not None}


class Transport:
    """Sends one logical request: a timeout per attempt, the suite's error bodies as IAMError, and
    retries with exponential backoff (full jitter) for idempotent methods only. A POST that timed
    out may have been applied; sending it again could log in twice or create two applications."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        retries: int,
        retry_delay: float,
        max_retry_delay: float,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._retries = retries
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._sleep = sleep
        self._jitter = jitter
        # No redirects followed: an API call that answers 3xx is a misconfiguration to report, not to chase.
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)

    def close(self) -> None:
        self._client.close()

    def url_of(self, path: str, query: Mapping[str, str | None] | None = None) -> str:
        url = f"{self.base_url}/{path.lstrip('/')}"
        params = _defined(query)
        return f"{url}?{urlencode(params)}" if params else url

    def send(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str | None] | None = None,
        json: Any = None,
        form: Mapping[str, str | None] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        method = method.upper()
        retries = self._retries if method in IDEMPOTENT else 0
        attempt = 0
        while True:
            try:
                return self._once(method, path, query=query, json=json, form=form, headers=headers)
            except IAMError as error:
                wait = self._retry_delay_of(error, attempt) if attempt < retries else None
                if wait is None:
                    raise
                self._sleep(wait)
                attempt += 1

    def _retry_delay_of(self, error: IAMError, attempt: int) -> float | None:
        transient = error.code in ("NETWORK_ERROR", "TIMEOUT") if error.status == 0 else error.status in RETRYABLE_STATUS
        if not transient:
            return None
        backoff = min(self._max_retry_delay, self._retry_delay * 2.0**attempt * self._jitter())
        if error.retry_after is None:
            return backoff
        if error.retry_after > self._max_retry_delay:
            return None
        return max(float(error.retry_after), backoff)

    def _once(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str | None] | None,
        json: Any,
        form: Mapping[str, str | None] | None,
        headers: Mapping[str, str] | None,
    ) -> Any:
        all_headers = {"accept": "application/json", **(headers or {})}
        try:
            response = self._client.request(
                method,
                self.url_of(path),
                params=_defined(query) or None,
                json=json if form is None else None,
                data=_defined(form) if form is not None else None,
                headers=all_headers,
            )
        except httpx.TimeoutException:
            raise IAMError("TIMEOUT", f"No answer within {self.timeout} s", 0) from None
        except httpx.HTTPError:
            raise IAMError("NETWORK_ERROR", "Network request failed", 0) from None
        body = self._body_of(response)
        if not response.is_success:
            raise iam_error_of(response.status_code, body, response.headers)
        return body

    @staticmethod
    def _body_of(response: httpx.Response) -> Any:
        if not response.content:
            return None
        if "json" not in response.headers.get("content-type", ""):
            return response.text
        try:
            return response.json()
        except ValueError:
            if not response.is_success:
                return response.text
            raise IAMError("INVALID_RESPONSE", "The server answered malformed JSON", response.status_code) from None
