from sigma_iam import IAMError
from sigma_iam.errors import iam_error_of


def test_sigma_body_gives_code_message_details_and_request_id() -> None:
    body = {
        "error": {
            "code": "VALIDATION_ERROR",
            "message": "The request contains invalid data",
            "details": [{"field": "email", "message": "must be an email"}],
            "request_id": "req-1",
        }
    }
    error = iam_error_of(400, body)
    assert isinstance(error, IAMError)
    assert (error.code, error.status, error.message, error.request_id) == ("VALIDATION_ERROR", 400, "The request contains invalid data", "req-1")
    assert error.details == [{"field": "email", "message": "must be an email"}]


def test_oauth_body_gives_the_oauth_error_code() -> None:
    error = iam_error_of(400, {"error": "invalid_grant", "error_description": "The code is spent"}, {"x-request-id": "req-2"})
    assert (error.code, error.message, error.status, error.request_id) == ("invalid_grant", "The code is spent", 400, "req-2")


def test_seed_002_envelope_gives_its_code() -> None:
    error = iam_error_of(401, {"success": False, "error": "Invalid credentials", "code": "INVALID_CREDENTIALS", "requestId": "req-3"})
    assert (error.code, error.message, error.request_id) == ("INVALID_CREDENTIALS", "Invalid credentials", "req-3")


def test_unknown_bodies_get_a_code_from_the_status_and_retry_after_from_the_header() -> None:
    error = iam_error_of(429, "<html>slow down</html>", {"retry-after": "7"})
    assert (error.code, error.status, error.retry_after) == ("RATE_LIMIT_EXCEEDED", 429, 7)
    assert iam_error_of(500, None).code == "SERVER_ERROR"
    assert iam_error_of(418, None).code == "HTTP_ERROR"
    assert iam_error_of(403, {}).code == "INSUFFICIENT_PERMISSIONS"
