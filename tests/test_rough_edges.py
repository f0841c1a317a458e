"""Rough edges of issue 13 §4, each with a regression test."""

import re

from uprest.accounts.models import Role


def test_favicon_is_linked_and_served(client):
    page = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon
    served = client.get(icon.group(1))
    try:
        assert served.status_code == 200 and served.mimetype == "image/svg+xml"
        assert b"<svg" in served.get_data()
    finally:
        served.close()
    root = client.get("/favicon.ico")
    assert root.status_code == 301 and root.location.endswith(icon.group(1))


def test_favicon_for_signed_in_users_too(client, login_as):
    login_as(Role.LEARNER)
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
