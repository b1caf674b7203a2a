"""PKCE (RFC 7636) and state values for the authorization code flow."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate_code_verifier() -> str:
    """A PKCE code verifier (RFC 7636 §4.1): 32 random bytes, base64url, 43 characters."""
    return _base64url(secrets.token_bytes(32))


def generate_code_challenge(code_verifier: str) -> str:
    """The S256 code challenge of a verifier (RFC 7636 §4.2): base64url(SHA-256(verifier))."""
    if not _VERIFIER.match(code_verifier):
        raise ValueError("a PKCE code verifier is 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]")
    return _base64url(hashlib.sha256(code_verifier.encode("ascii")).digest())


def generate_state() -> str:
    """A random value for the state or nonce parameter (128 bits)."""
    return _base64url(secrets.token_bytes(16))
