from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sigma_iam import IAMError
from sigma_iam._http import Transport


class Script:
    """Answers requests from a list and records them."""

    def __init__(self, answers: list[httpx.Response | Exception]) -> None:
        self._answers: Iterator[httpx.Response | Exception] = iter(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = next(self._answers)
        if isinstance(answer, Exception):
            raise answer
        return answer


def transport_for(script: Script, sleeps: list[float]) -> Transport:
    return Transport(
        "https://iam.example",
        timeout=1.0,
        retries=2,
        retry_delay=0.25,
        max_retry_delay=5.0,
        transport=httpx.MockTransport(script),
        sleep=sleeps.append,
        jitter=lambda: 1.0,
    )


def test_idempotent_calls_are_retried_with_backoff_after_transient_failures() -> None:
    script = Script([httpx.Response(503), httpx.ConnectError("refused"), httpx.Response(200, json={"ok": True})])
    sleeps: list[float] = []
    assert transport_for(script, sleeps).send("GET", "/api/v1/me") == {"ok": True}
    assert len(script.requests) == 3
    assert sleeps == [0.25, 0.5]


def test_post_is_never_retried() -> None:
    script = Script([httpx.Response(503)])
    sleeps: list[float] = []
    with pytest.raises(IAMError) as raised:
        transport_for(script, sleeps).send("POST", "/api/v1/applications", json={"client_name": "x"})
    assert (raised.value.code, raised.value.status) == ("SERVICE_UNAVAILABLE", 503)
    assert len(script.requests) == 1
    assert sleeps == []


def test_retry_after_is_honoured_and_a_longer_one_is_not_waited_for() -> None:
    sleeps: list[float] = []
    script = Script([httpx.Response(429, headers={"retry-after": "2"}), httpx.Response(200, json=[])])
    assert transport_for(script, sleeps).send("GET", "/x") == []
    assert sleeps == [2.0]
    too_long = Script([httpx.Response(429, headers={"retry-after": "60"})])
    with pytest.raises(IAMError) as raised:
        transport_for(too_long, sleeps).send("GET", "/x")
    assert (raised.value.code, raised.value.retry_after, len(too_long.requests)) == ("RATE_LIMIT_EXCEEDED", 60, 1)


def test_client_errors_are_not_retried() -> None:
    script = Script([httpx.Response(404, json={"error": {"code": "RESOURCE_NOT_FOUND", "message": "No such user"}})])
    with pytest.raises(IAMError) as raised:
        transport_for(script, []).send("GET", "/api/v1/users/x")
    assert (raised.value.code, raised.value.message) == ("RESOURCE_NOT_FOUND", "No such user")
    assert len(script.requests) == 1


def test_timeouts_and_network_failures_have_their_own_codes() -> None:
    timeouts = Script([httpx.ReadTimeout("slow")] * 3)
    with pytest.raises(IAMError) as raised:
        transport_for(timeouts, []).send("GET", "/x")
    assert (raised.value.code, raised.value.status, len(timeouts.requests)) == ("TIMEOUT", 0, 3)
    with pytest.raises(IAMError) as raised:
        transport_for(Script([httpx.ConnectError("refused")]), []).send("POST", "/x")
    assert (raised.value.code, raised.value.status) == ("NETWORK_ERROR", 0)


def test_malformed_json_in_a_success_is_an_invalid_response() -> None:
    script = Script([httpx.Response(200, content=b"{not json", headers={"content-type": "application/json"})])
    with pytest.raises(IAMError) as raised:
        transport_for(script, []).send("GET", "/x")
    assert raised.value.code == "INVALID_RESPONSE"


def test_forms_and_json_bodies_are_encoded_and_none_values_dropped() -> None:
    script = Script([httpx.Response(200, json={}), httpx.Response(204)])
    transport = transport_for(script, [])
    transport.send("POST", "/oauth/v1/token", form={"grant_type": "refresh_token", "scope": None})
    assert script.requests[0].content == b"grant_type=refresh_token"
    assert script.requests[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert transport.send("DELETE", "/x", query={"a": "1", "b": None}) is None
    assert str(script.requests[1].url) == "https://iam.example/x?a=1"
