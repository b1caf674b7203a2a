"""Local access-token verification against the tenant's JWKS."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt

from ._http import Transport
from .errors import IAMError

#: Key sets kept at once (one per tenant seen); the oldest goes first, so forged tenant ids cannot grow memory.
MAX_TENANTS = 64
#: The suite signs access tokens with ES256 or Ed25519 (EdDSA); nothing else is accepted.
ALGORITHMS = ("ES256", "EdDSA")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


@dataclass
class _KeySet:
    keys: dict[str, jwt.PyJWK] = field(default_factory=dict)
    fetched_at: float = 0.0


class TokenVerifier:
    """Verifies the suite's access tokens locally: signature against the tenant's key set (fetched
    once, cached for ``cache_max_age`` seconds, fetched again when a token names an unknown kid, at
    most once per ``refetch_cooldown``), issuer, audience, ``typ: at+jwt``, lifetime (5 s leeway).
    It does not see revocations: a token of a session ended a second ago verifies until it expires.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        issuer_base_url: str,
        audience: str,
        tenant_id: str | None = None,
        cache_max_age: float = 600.0,
        refetch_cooldown: float = 30.0,
        leeway: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._transport = transport
        self._issuer_base_url = issuer_base_url.rstrip("/")
        self._audience = audience
        self._tenant_id = tenant_id.lower() if tenant_id else None
        self._cache_max_age = cache_max_age
        self._refetch_cooldown = refetch_cooldown
        self._leeway = leeway
        self._clock = clock
        self._key_sets: OrderedDict[str, _KeySet] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, token: str) -> dict[str, Any]:
        tenant_id = self._tenant_of(token)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise IAMError("INVALID_TOKEN", "The token is not a JWT", 401) from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise IAMError("INVALID_TOKEN", "The token is not signed with ES256 or EdDSA", 401)
        typ = header.get("typ")
        if not isinstance(typ, str) or typ.lower() not in ("at+jwt", "application/at+jwt"):
            raise IAMError("INVALID_TOKEN", "The token is not an access token (typ at+jwt)", 401)
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise IAMError("INVALID_TOKEN", "The token names no key (kid)", 401)
        key = self._key_of(tenant_id, kid)
        if key.algorithm_name != algorithm:
            raise IAMError("INVALID_TOKEN", "The token's algorithm does not match its key", 401)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=f"{self._issuer_base_url}/oauth/tenants/{tenant_id}",
                leeway=self._leeway,
                options={"require": ["sub", "exp", "iat", "tid", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise IAMError("INVALID_TOKEN", f"The token is not valid ({type(error).__name__})", 401) from None
        return claims

    def _tenant_of(self, token: str) -> str:
        try:
            tid = jwt.decode(token, options={"verify_signature": False}).get("tid")
        except jwt.PyJWTError:
            raise IAMError("INVALID_TOKEN", "The token is not a JWT", 401) from None
        if not isinstance(tid, str) or not _UUID.match(tid):
            raise IAMError("INVALID_TOKEN", "The token names no tenant", 401)
        tid = tid.lower()
        if self._tenant_id is not None and tid != self._tenant_id:
            raise IAMError("INVALID_TOKEN", "The token belongs to another tenant", 401)
        return tid

    def _key_of(self, tenant_id: str, kid: str) -> jwt.PyJWK:
        with self._lock:
            now = self._clock()
            key_set = self._key_sets.get(tenant_id)
            stale = key_set is None or now - key_set.fetched_at >= self._cache_max_age
            unknown_kid = key_set is not None and kid not in key_set.keys and now - key_set.fetched_at >= self._refetch_cooldown
            if key_set is None or stale or unknown_kid:
                key_set = _KeySet(keys=self._fetch(tenant_id), fetched_at=now)
                self._key_sets[tenant_id] = key_set
                self._key_sets.move_to_end(tenant_id)
                while len(self._key_sets) > MAX_TENANTS:
                    self._key_sets.popitem(last=False)
            key = key_set.keys.get(kid)
        if key is None:
            raise IAMError("INVALID_TOKEN", "The token's key is not in the tenant's key set", 401)
        return key

    def _fetch(self, tenant_id: str) -> dict[str, jwt.PyJWK]:
        try:
            body = self._transport.send("GET", "/.well-known/jwks.json", query={"tenant_id": tenant_id})
        except IAMError as error:
            if 400 <= error.status < 500 and error.status != 429:
                raise IAMError("INVALID_TOKEN", "The token's tenant has no key set", 401) from None
            raise IAMError("SERVICE_UNAVAILABLE", "The key set could not be fetched", 0) from None
        if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            raise IAMError("SERVICE_UNAVAILABLE", "The key set answer is malformed", 0)
        keys: dict[str, jwt.PyJWK] = {}
        for entry in body["keys"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str) or entry.get("use", "sig") != "sig":
                continue
            try:
                key = jwt.PyJWK.from_dict(entry)
            except jwt.PyJWTError:
                continue  # a key type this SDK does not verify with (the suite's are EC P-256 and Ed25519)
            if key.algorithm_name in ALGORITHMS:
                keys[entry["kid"]] = key
        return keys
