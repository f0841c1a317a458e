"""The layout, error pages, security headers, CSRF and production settings."""

import re

import pytest

from uprest import create_app
from uprest.accounts.models import Role
from uprest.config import Config


def test_layout_has_landmarks_and_a_skip_link(client):
    text = client.get("/login").get_data(as_text=True)
    assert '<a class="skip-link" href="#main">' in text
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in text
    assert '<meta name="viewport"' in text
    assert "<script" not in text and "style=" not in text


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert client.get("/no-such-page").headers["X-Content-Type-Options"] == "nosniff"


def test_not_found_is_a_translated_page(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "it"})
    assert response.status_code == 404
    assert '<html lang="it">' in response.get_data(as_text=True)


def test_forbidden_is_a_translated_page(client, login_as):
    login_as(Role.LEARNER, locale="lv")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert '<html lang="lv">' in response.get_data(as_text=True)


def test_forms_without_a_csrf_token_are_refused(app, client, create_user):
    user = create_user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/login",
            data={"email": user.email, "password": "x" * 12},
            headers={"Accept-Language": "sv"},
        )
        assert response.status_code == 400
        assert '<html lang="sv">' in response.get_data(as_text=True)
        page = client.get("/login").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("url", ["/business/staff", "/business/", "/profile"])
def test_every_form_carries_a_csrf_token(app, client, login_as, create_user, url):
    manager = login_as(Role.MANAGER)
    create_user(business=manager.business)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        text = client.get(url).get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    tokens = len(re.findall(r'name="(?:\w+-)?csrf_token"', text))
    assert text.count("<form") == tokens + text.count('method="get"')


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok"}


@pytest.mark.once
def test_production_refuses_to_start_without_a_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    config = type(
        "Prod",
        (Config,),
        {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"},
    )
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


@pytest.mark.once
def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    config = type(
        "Prod",
        (Config,),
        {"SECRET_KEY": "s" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"},
    )
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["REMEMBER_COOKIE_SECURE"]


@pytest.mark.once
def test_database_url_spellings():
    from uprest.config import normalise_database_url

    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_unexpected_errors_give_a_translated_500_page(app, client, login_as, monkeypatch):
    from uprest.accounts import admin_services

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    login_as(Role.ADMIN, locale="et")
    monkeypatch.setattr(admin_services, "search_users", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/admin/users")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert '<html lang="et">' in text and "database on fire" not in text


def test_login_returns_to_a_local_page_only(client, create_user):
    from tests.conftest import PASSWORD

    user = create_user()
    response = client.post(
        "/login?next=/profile", data={"email": user.email, "password": PASSWORD, "next": "/profile"}
    )
    assert response.location == "/profile"
    client.post("/logout")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "next": target}
        )
        assert response.location == "/", target
        client.post("/logout")


def test_database_errors_give_a_translated_503_page_and_json(app, client, login_as, monkeypatch):
    """A lost or read-only database is a 503 the user can retry, not a 500 (see tests/faults)."""
    import sqlalchemy as sa

    from uprest.accounts import admin_services

    def unreachable(**kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    login_as(Role.ADMIN, locale="et")
    monkeypatch.setattr(admin_services, "search_users", unreachable)
    response = client.get("/admin/users", headers={"Accept-Language": "et"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    text = response.get_data(as_text=True)
    assert '<html lang="et">' in text and "Ajutiselt kättesaamatu" in text
    assert "connection refused" not in text
    as_json = client.get("/admin/users", headers={"Accept": "application/json"})
    assert as_json.status_code == 503 and as_json.json["status"] == "unavailable"
