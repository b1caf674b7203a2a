import re

import pytest

from sigma_iam import generate_code_challenge, generate_code_verifier, generate_state


def test_code_challenge_matches_rfc_7636_appendix_b() -> None:
    assert generate_code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_verifiers_are_43_unreserved_characters_and_fresh() -> None:
    verifiers = {generate_code_verifier() for _ in range(20)}
    assert len(verifiers) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", verifier) for verifier in verifiers)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", generate_state())


@pytest.mark.parametrize("verifier", ["short", "x" * 129, "a" * 42 + "!"])
def test_malformed_verifiers_are_refused(verifier: str) -> None:
    with pytest.raises(ValueError, match="43 to 128"):
        generate_code_challenge(verifier)
