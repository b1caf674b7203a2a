"""Where the SDK keeps a user's tokens."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal, Protocol

#: Where tokens came from, which decides where they are refreshed and revoked: the direct login API
#: (``login``), the OAuth token endpoint (``oauth``) or seed 002's admin auth API (``admin``).
TokenSource = Literal["login", "oauth", "admin"]


@dataclass(frozen=True)
class StoredTokens:
    access_token: str
    source: TokenSource
    refresh_token: str | None = None
    id_token: str | None = None
    #: Seconds since the epoch when the access token expires (from expires_in), if known.
    expires_at: float | None = None


class TokenStorage(Protocol):
    """Keeps one user's tokens: memory by default; a server may bind one to its own session store."""

    def get(self) -> StoredTokens | None: ...

    def set(self, tokens: StoredTokens) -> None: ...

    def clear(self) -> None: ...


class MemoryTokenStorage:
    """The default storage: the tokens of one user, in this process only."""

    def __init__(self) -> None:
        self._tokens: StoredTokens | None = None
        self._lock = threading.Lock()

    def get(self) -> StoredTokens | None:
        with self._lock:
            return self._tokens

    def set(self, tokens: StoredTokens) -> None:
        with self._lock:
            self._tokens = tokens

    def clear(self) -> None:
        with self._lock:
            self._tokens = None
