"""Copied session and remember-me cookies stop working on logout, password change and reset."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from uprest.accounts import services

COOKIES = ("session", "remember_token")
NEW_PASSWORD = "a brand new passphrase"


def _sign_in(client, user) -> dict[str, str]:
    """Signs in with "remember me"; the two cookies an attacker would copy."""
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    stolen = {name: client.get_cookie(name).value for name in COOKIES}
    assert all(stolen.values())
    return stolen


def _replay(app, cookies: dict[str, str]):
    """A fresh browser that presents the copied cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value, domain="localhost")
    return thief


def _is_signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def _logout(client, user):
    assert client.post("/logout").status_code == 302


def _change_password(client, user):
    response = client.post(
        "/profile/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302


def _reset_password(client, user):
    # The reset mail goes out after the response; closing it is what a server does at the end.
    client.post("/password/forgot", data={"email": user.email}).close()
    outbox = client.application.extensions["mailman"].outbox
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox[-1].body).group(1)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("only", [None, "session", "remember_token"])
@pytest.mark.parametrize("end", [_logout, _change_password, _reset_password])
def test_copied_cookies_are_worthless_once_the_session_ends(app, client, create_user, end, only):
    user = create_user()
    stolen = _sign_in(client, user)
    if only is not None:
        stolen = {only: stolen[only]}
    assert _is_signed_in(_replay(app, stolen))  # the copy works while the session lasts
    end(client, user)
    assert not _is_signed_in(_replay(app, stolen))


def test_logout_ends_the_sessions_on_other_devices_too(app, client, create_user):
    user = create_user()
    phone = app.test_client()
    _sign_in(phone, user)
    _sign_in(client, user)
    _logout(client, user)
    assert not _is_signed_in(phone)
    # Signing in again works, with a fresh token.
    _sign_in(client, user)
    assert _is_signed_in(client)


def test_password_change_keeps_the_changing_session(client, create_user):
    user = create_user()
    _sign_in(client, user)
    _change_password(client, user)
    assert _is_signed_in(client)
    assert services.authenticate(user.email, NEW_PASSWORD) is not None
