"""HSTS outside debug; personal pages and every download are never stored by a cache."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.security.conftest import route_values
from tests.security.test_headers_and_cookies import _get_urls
from uprest.accounts.models import Role
from uprest.extensions import limiter

# The credential issuer's public documents: its keys, status lists and achievements.
ISSUER_DOCUMENTS = (
    "/credentials/did.json",
    "/credentials/jwks.json",
    "/credentials/status/",
    "/credentials/achievements/",
)


@pytest.mark.parametrize(
    "role", [Role.LEARNER, Role.MANAGER, Role.TRAINER, Role.ADMIN, Role.REVIEWER]
)
def test_every_page_a_signed_in_user_sees_is_no_store(
    app, client, create_user, courses, open_wave, role
):
    values = route_values(create_user(), open_wave())
    user = create_user(role)
    limiter.reset()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    cached = []
    for url in _get_urls(app, values):
        if url.startswith(("/static/", "/xapi/", *ISSUER_DOCUMENTS)) or url == "/healthz":
            continue  # files, the LRS (Basic auth), the probe, the issuer's documents: nobody
        response = client.get(url)
        response.close()
        if "no-store" not in response.headers.get("Cache-Control", ""):
            cached.append((url, response.status_code))
    assert not cached, cached


def test_static_files_stay_cacheable(client, login_as):
    login_as(Role.LEARNER)
    response = client.get("/static/uprest.css")
    response.close()
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_downloads_and_certificates_are_no_store(client, courses, login_as):
    from tests.test_learning import ALL_RIGHT

    login_as(Role.LEARNER)
    export = client.get("/profile/export")
    assert "attachment" in export.headers["Content-Disposition"]
    assert export.headers["Cache-Control"] == "no-store"
    client.post("/learn/modules/online-presence/enrol")
    for lesson in ("why-be-found", "your-website"):
        client.post(f"/learn/modules/online-presence/lessons/{lesson}")
    client.post("/learn/modules/online-presence/quiz", data=ALL_RIGHT)
    page = client.get("/learn/modules/online-presence/certificate").get_data(as_text=True)
    import re

    code = re.search(r"/learn/certificates/([\w-]+)", page).group(1)
    client.post("/logout")
    public = client.get(f"/learn/certificates/{code}")
    assert public.status_code == 200
    assert public.headers["Cache-Control"] == "no-store"  # it names the learner


def test_a_visitor_page_may_be_cached(client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_hsts_outside_debug_only(app, client):
    value = client.get("/").headers["Strict-Transport-Security"]
    assert int(value.split("max-age=")[1].split(";")[0]) >= 365 * 24 * 3600
    app.debug = True
    try:
        assert "Strict-Transport-Security" not in client.get("/").headers
    finally:
        app.debug = False
