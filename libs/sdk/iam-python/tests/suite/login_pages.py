"""A minimal browser for the suite's login and consent pages: httpx with a cookie jar, filling the
forms (their hidden login_challenge and csrf_token fields included) until the redirect to the client."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx


class _FirstForm(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and not self._done and self.action is None:
            self.action, self._inside = values.get("action", ""), True
        elif tag == "input" and self._inside and values.get("type") == "hidden" and "name" in values:
            self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._inside:
            self._inside, self._done = False, True


def sign_in(authorization_url: str, email: str, password: str, redirect_uri: str) -> str:
    """Follows the authorization URL through the login (and consent) page; answers the URL the suite
    redirects back to (redirect_uri with code and state)."""
    with httpx.Client(follow_redirects=False, timeout=30.0) as browser:
        response = browser.get(authorization_url)
        for _ in range(12):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(redirect_uri):
                    return location
                response = browser.get(location)
                continue
            assert response.status_code == 200, f"{response.status_code} at {response.url}: {response.text[:500]}"
            form = _FirstForm()
            form.feed(response.text)
            assert form.action, f"no form at {response.url}"
            fields = dict(form.fields)
            if form.action.endswith("/login"):
                fields.update(username=email, password=password)
            elif form.action.endswith("/consent"):
                fields.update(decision="approve")
            else:
                raise AssertionError(f"unexpected form {form.action} at {response.url}")
            response = browser.post(urljoin(str(response.url), form.action), data=fields)
    raise AssertionError("the pages did not redirect back to the client")
