"""A local signing key and a JWKS endpoint in an httpx MockTransport, for tests that need no suite."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

BASE_URL = "https://iam.example"
TENANT = str(uuid.UUID(int=7))


@dataclass
class SigningKey:
    kid: str
    algorithm: str
    private: Any
    jwk: dict[str, Any]


def ec_key(kid: str) -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    jwk = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return SigningKey(kid, "ES256", private, {**jwk, "kid": kid, "use": "sig", "alg": "ES256"})


def ed_key(kid: str) -> SigningKey:
    private = ed25519.Ed25519PrivateKey.generate()
    jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return SigningKey(kid, "EdDSA", private, {**jwk, "kid": kid, "use": "sig", "alg": "EdDSA"})


@dataclass
class FakeIssuer:
    """Signs access tokens as the suite does and serves their key set; counts JWKS fetches."""

    keys: list[SigningKey] = field(default_factory=lambda: [ec_key("k1")])
    jwks_fetches: int = 0

    def token(self, key: SigningKey | None = None, *, header: dict[str, Any] | None = None, **claims: Any) -> str:
        key = key or self.keys[0]
        now = int(time.time())
        payload = {
            "iss": f"{BASE_URL}/oauth/tenants/{TENANT}",
            "aud": "urn:sigma-iam:api",
            "sub": str(uuid.uuid4()),
            "tid": TENANT,
            "client_id": "sigma-iam",
            "iat": now,
            "exp": now + 900,
            "jti": str(uuid.uuid4()),
            "permissions": ["users:read"],
            **claims,
        }
        return jwt.encode(payload, key.private, algorithm=key.algorithm, headers={"kid": key.kid, "typ": "at+jwt", **(header or {})})

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/jwks.json":
            self.jwks_fetches += 1
            if request.url.params.get("tenant_id") != TENANT:
                return httpx.Response(404, json={"error": "not_found"})
            return httpx.Response(200, json={"keys": [key.jwk for key in self.keys]})
        return httpx.Response(404, json={"error": {"code": "RESOURCE_NOT_FOUND", "message": "no route"}})
