from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import pytest

from sigma_iam import IAMError, SigmaIAM
from tests.unit.fakes import BASE_URL, TENANT, FakeIssuer, ec_key, ed_key


def sdk(issuer: FakeIssuer, **options: Any) -> SigmaIAM:
    return SigmaIAM(BASE_URL, transport=httpx.MockTransport(issuer.handle), **options)


def test_verifies_es256_and_eddsa_tokens_and_caches_the_key_set(issuer: FakeIssuer) -> None:
    issuer.keys.append(ed_key("k2"))
    iam = sdk(issuer)
    claims = iam.verify_token(issuer.token(sub="user-1"))
    assert (claims["sub"], claims["tid"], claims["permissions"]) == ("user-1", TENANT, ["users:read"])
    assert iam.verify_token(issuer.token(issuer.keys[1]))["tid"] == TENANT
    assert issuer.jwks_fetches == 1


def test_fetches_the_key_set_again_for_an_unknown_kid_once_per_cooldown(issuer: FakeIssuer) -> None:
    iam = sdk(issuer)
    iam.verify_token(issuer.token())
    rotated = ec_key("k-new")
    issuer.keys.append(rotated)
    # Fresh key set just fetched: within the cooldown an unknown kid is refused without a fetch.
    with pytest.raises(IAMError) as raised:
        iam.verify_token(issuer.token(rotated))
    assert (raised.value.code, issuer.jwks_fetches) == ("INVALID_TOKEN", 1)
    iam._verifier._refetch_cooldown = 0.0
    assert iam.verify_token(issuer.token(rotated))["tid"] == TENANT
    assert issuer.jwks_fetches == 2
    # A kid the suite never published costs one fetch and is refused.
    with pytest.raises(IAMError):
        iam.verify_token(issuer.token(ec_key("forged")))
    assert issuer.jwks_fetches == 3


def test_a_cached_key_set_expires(issuer: FakeIssuer) -> None:
    iam = sdk(issuer, jwks_cache_max_age=0.0)
    iam.verify_token(issuer.token())
    iam.verify_token(issuer.token())
    assert issuer.jwks_fetches == 2


@pytest.mark.parametrize(
    ("header", "claims"),
    [
        ({}, {"exp": int(time.time()) - 60}),
        ({}, {"aud": "someone-else"}),
        ({}, {"iss": "https://elsewhere.example/oauth/tenants/x"}),
        ({"typ": "JWT"}, {}),
        ({}, {"tid": "not-a-uuid"}),
        ({}, {"tid": str(uuid.uuid4())}),
    ],
    ids=["expired", "audience", "issuer", "typ", "tenant-malformed", "tenant-unknown"],
)
def test_refuses_tokens_that_do_not_hold(issuer: FakeIssuer, header: dict[str, Any], claims: dict[str, Any]) -> None:
    with pytest.raises(IAMError) as raised:
        sdk(issuer).verify_token(issuer.token(header=header, **claims))
    assert (raised.value.code, raised.value.status) == ("INVALID_TOKEN", 401)


def test_refuses_tampered_tokens_other_algorithms_and_other_tenants(issuer: FakeIssuer) -> None:
    iam = sdk(issuer)
    token = issuer.token()
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    hs256 = jwt.encode({"tid": TENANT, "sub": "x"}, "secret" * 6, algorithm="HS256", headers={"kid": "k1", "typ": "at+jwt"})
    for bad in (tampered, hs256, "not-a-jwt"):
        with pytest.raises(IAMError) as raised:
            iam.verify_token(bad)
        assert raised.value.code == "INVALID_TOKEN"
    with pytest.raises(IAMError) as raised:
        sdk(issuer, tenant_id=str(uuid.uuid4())).verify_token(token)
    assert raised.value.code == "INVALID_TOKEN"
    assert sdk(issuer, tenant_id=TENANT.upper()).verify_token(token)["tid"] == TENANT


def test_an_unreachable_key_set_is_service_unavailable(issuer: FakeIssuer) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    iam = SigmaIAM(BASE_URL, transport=httpx.MockTransport(down), retries=0)
    with pytest.raises(IAMError) as raised:
        iam.verify_token(issuer.token())
    assert (raised.value.code, raised.value.status) == ("SERVICE_UNAVAILABLE", 0)
