"""Seeds 001 and 002's Python client classes, importable from sigma_iam, against the suite."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from sigma_iam import IAMError, IdentityClient, IdentityGateway, MemoryTokenStorage, StoredTokens
from tests.suite.soft_authenticator import create_credential
from tests.suite.support import USER_PASSWORD, NewUser, Suite


def test_identity_client_registers_a_passkey_with_seed_001s_calls(suite: Suite, new_user: Callable[[], NewUser]) -> None:
    created = new_user()
    client = IdentityClient(base_url=suite.base_url, client_id="sigma-iam", tenant_id=suite.tenant_id)
    client.login(created.email, created.password)

    # WebAuthn registration
    registration_options = client.webauthn.get_registration_options(username=created.email)
    assert registration_options["user"]["name"] == created.email
    assert registration_options["rp"]["id"] == "127.0.0.1"
    assert registration_options["authenticatorSelection"]["userVerification"] == "required"
    credential_response = create_credential(registration_options, origin=suite.base_url)

    # Verify registration
    result = client.webauthn.verify_registration(credential_response=credential_response, challenge=registration_options["challenge"])
    assert result["verified"] is True
    assert result["credential"]["id"] == credential_response["id"]

    # The challenge is single use, and a passkey for another user is refused.
    with pytest.raises(IAMError) as replay:
        client.webauthn.verify_registration(credential_response=credential_response, challenge=registration_options["challenge"])
    assert (replay.value.code, replay.value.status) == ("invalid_request", 400)
    with pytest.raises(IAMError) as foreign:
        client.webauthn.get_registration_options(username="someone-else@example.com")
    assert foreign.value.status == 403
    with pytest.raises(IAMError) as anonymous:
        IdentityClient(base_url=suite.base_url, client_id="sigma-iam", tenant_id=suite.tenant_id).webauthn.get_registration_options(username=created.email)
    assert anonymous.value.code == "AUTHENTICATION_REQUIRED"


def test_identity_gateway_verifies_tokens_and_creates_users_with_seed_002s_calls(suite: Suite) -> None:
    storage = MemoryTokenStorage()
    identity = IdentityGateway(client_id="sigma-iam", base_url=suite.base_url, storage=storage)
    signed_in = identity.login(suite.admin_email, suite.admin_password)
    assert signed_in["email"] == suite.admin_email
    token = identity.get_access_token()
    assert token is not None

    # Verify token
    user = identity.verify_token(f"Bearer {token}")
    assert (user["id"], user["email"]) == (signed_in["id"], suite.admin_email)

    # Create user
    email = f"py-{uuid.uuid4().hex[:10]}@example.com"
    new_user = identity.create_user({"email": email, "first_name": "John", "last_name": "Doe", "password": USER_PASSWORD})
    assert (new_user["email"], new_user["firstName"], new_user["lastName"]) == (email, "John", "Doe")

    with pytest.raises(IAMError) as invalid:
        identity.verify_token("Bearer not-a-token")
    assert invalid.value.status == 401
    with pytest.raises(IAMError) as duplicate:
        identity.create_user({"email": email, "password": USER_PASSWORD})
    assert duplicate.value.status == 409

    # An expired access token is refreshed through seed 002's refresh action before the call.
    tokens = storage.get()
    assert tokens is not None and tokens.source == "admin"
    storage.set(StoredTokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token, source="admin", expires_at=1.0))
    other = identity.create_user({"email": f"py-{uuid.uuid4().hex[:10]}@example.com", "password": USER_PASSWORD})
    assert other["id"] != new_user["id"]
    renewed = storage.get()
    assert renewed is not None and renewed.refresh_token not in (None, tokens.refresh_token)

    # Logout (action logout) ends the session: the suite's verify refuses its token at once.
    identity.logout()
    assert storage.get() is None
    with pytest.raises(IAMError) as ended:
        IdentityGateway(client_id="sigma-iam", base_url=suite.base_url).verify_token(f"Bearer {renewed.access_token}")
    assert (ended.value.code, ended.value.status) == ("INVALID_TOKEN", 401)
