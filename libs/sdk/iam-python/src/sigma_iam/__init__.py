"""Sigma IAM for Python: login, profile and admin calls, OAuth 2.1 authorization code + PKCE,
local token verification, automatic refresh; FastAPI dependencies in ``sigma_iam.fastapi``."""

from .client import SigmaIAM
from .compat import IdentityClient, IdentityGateway, WebAuthn
from .errors import IAMError, IAMErrorDetail
from .pkce import generate_code_challenge, generate_code_verifier, generate_state
from .storage import MemoryTokenStorage, StoredTokens, TokenSource, TokenStorage
from .types import AuthorizationRequest, OAuthTokens, User, UserRoles

__version__ = "0.1.0"

__all__ = [
    "AuthorizationRequest",
    "IAMError",
    "IAMErrorDetail",
    "IdentityClient",
    "IdentityGateway",
    "MemoryTokenStorage",
    "OAuthTokens",
    "SigmaIAM",
    "StoredTokens",
    "TokenSource",
    "TokenStorage",
    "User",
    "UserRoles",
    "WebAuthn",
    "generate_code_challenge",
    "generate_code_verifier",
    "generate_state",
]
