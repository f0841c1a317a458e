"""``next=`` never leads off the site, however the address is disguised."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD
from uprest.core.navigation import is_safe_target

EVIL = [
    "//evil.example.com",
    "////evil.example.com",
    "///evil.example.com",
    "/\\evil.example.com",
    "\\\\evil.example.com",
    "\\/evil.example.com",
    "https:evil.example.com",
    "https://evil.example.com",
    "HTTPS://evil.example.com",
    "//evil.example.com/%2F..",
    "%2F%2Fevil.example.com",
    "/\t/evil.example.com",
    "/\n/evil.example.com",
    "/\r\n/evil.example.com",
    "\t//evil.example.com",
    " //evil.example.com",
    "/ /evil.example.com",
    "/\x00/evil.example.com",
    "/\x0b/evil.example.com",
    "/\u2028/evil.example.com",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example.com",
    "@evil.example.com",
    "/\\/evil.example.com",
    "",
]
SAFE = ["/profile", "/courses/online-presence?tab=2", "/", "/learning/%2F%2Fstays-here"]


def _lands_on_this_site(response, expected: str = "/") -> None:
    if response.status_code == 400 and expected == "/":  # control characters: refused outright
        assert "Location" not in response.headers
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost") and not parts.scheme.startswith("javascript")
    assert location.replace("http://localhost", "") == expected, location


@pytest.mark.parametrize("target", EVIL)
def test_is_safe_target_refuses_every_disguise(target):
    assert not is_safe_target(target)


@pytest.mark.parametrize("target", SAFE)
def test_is_safe_target_keeps_local_paths(target):
    assert is_safe_target(target)


@pytest.mark.parametrize("target", EVIL)
@pytest.mark.parametrize("where", ["form", "query"])
def test_login_never_redirects_off_site(client, create_user, target, where):
    user = create_user()
    data = {"email": user.email, "password": PASSWORD}
    if where == "form":
        response = client.post("/login", data={**data, "next": target})
    else:
        response = client.post("/login", query_string={"next": target}, data=data)
    _lands_on_this_site(response)


@pytest.mark.parametrize("target", EVIL)
@pytest.mark.parametrize("signed_in", [False, True])
def test_locale_switch_never_redirects_off_site(client, login_as, target, signed_in):
    from uprest.accounts.models import Role

    if signed_in:
        login_as(Role.LEARNER)
    response = client.post("/locale", data={"locale": "sv", "next": target})
    _lands_on_this_site(response)


@pytest.mark.parametrize("target", SAFE)
def test_local_targets_are_kept(client, create_user, target):
    user = create_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    _lands_on_this_site(response, target)
    response = client.post("/locale", data={"locale": "sv", "next": target})
    _lands_on_this_site(response, target)
