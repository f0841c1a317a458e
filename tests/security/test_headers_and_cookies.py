"""Security headers on every page for every role; cookie flags of the app in production mode."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest
from flask_migrate import upgrade

from tests.conftest import PASSWORD
from tests.security.conftest import route_values
from uprest import create_app
from uprest.accounts import services
from uprest.accounts.models import Role
from uprest.config import Config
from uprest.extensions import db, limiter

HEADERS = {
    "Content-Security-Policy": re.compile(r"default-src 'self'.*frame-ancestors 'none'"),
    "X-Content-Type-Options": re.compile(r"^nosniff$"),
    "Referrer-Policy": re.compile(r"^strict-origin-when-cross-origin$"),
    "X-Frame-Options": re.compile(r"^DENY$"),
    "Permissions-Policy": re.compile(r"camera=\(\)"),
}


def _get_urls(app, values) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("uprest.") or "GET" not in rule.methods:
            continue
        arguments = {k: v for k, v in values.items() if k in rule.arguments}
        if "path" in rule.endpoint and "slug" in arguments:
            arguments["slug"] = "digital-basics"
        urls.append(rule.build(arguments)[1])
    return sorted(urls) + ["/no-such-page", "/xapi/no-such-resource"]


@pytest.mark.parametrize(
    "role", [None, Role.LEARNER, Role.MANAGER, Role.TRAINER, Role.ADMIN, Role.REVIEWER]
)
def test_every_page_carries_the_security_headers(
    app, client, create_user, courses, open_wave, role
):
    staff = create_user()
    wave = open_wave()
    values = route_values(staff, wave)
    if role is not None:
        user = create_user(role)
        limiter.reset()
        client.post("/login", data={"email": user.email, "password": PASSWORD})
    missing = []
    for url in _get_urls(app, values):
        response = client.get(url)
        response.close()
        for name, pattern in HEADERS.items():
            if not pattern.search(response.headers.get(name, "")):
                missing.append((url, response.status_code, name))
    assert not missing, missing


def _set_cookies(response) -> dict[str, dict]:
    """Every Set-Cookie header, as name → attributes (lower-case, flags as True)."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            attributes = {k: v for k, v in morsel.items() if v}
            attributes |= {flag: True for flag in ("secure", "httponly") if flag in header.lower()}
            cookies[name] = attributes
    return cookies


def _csrf(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


@pytest.mark.once
def test_cookies_outside_debug_are_secure_httponly_and_same_site(monkeypatch, tmp_path):
    """The app as production runs it: no debug, a secret from the environment, CSRF on."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    config = type(
        "Production",
        (Config,),
        {
            "SECRET_KEY": "a-production-secret-of-enough-length",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}",
            "UPREST_ARGON2_TIME_COST": 1,
            "UPREST_ARGON2_MEMORY_KIB": 8192,
        },
    )
    app = create_app(config)
    assert not app.debug and not app.testing
    with app.app_context():
        upgrade()
        services.create_user(
            email="prod@example.org", display_name="P", password=PASSWORD, role=Role.LEARNER
        )
        db.session.commit()
    client = app.test_client()
    base = "https://uprest.example.org"
    login_page = client.get("/login", base_url=base)
    login = client.post(
        "/login",
        base_url=base,
        headers={"Referer": base + "/login"},  # Flask-WTF checks it on https
        data={
            "csrf_token": _csrf(login_page.get_data(as_text=True)),
            "email": "prod@example.org",
            "password": PASSWORD,
            "remember": "y",
        },
    )
    assert login.status_code == 302, login.get_data(as_text=True)
    cookies = _set_cookies(login)
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        assert cookies[name].get("secure") and cookies[name].get("httponly"), cookies[name]
        assert cookies[name].get("samesite", "").lower() == "lax", cookies[name]
    home = client.get("/profile", base_url=base).get_data(as_text=True)
    switched = client.post(
        "/locale",
        base_url=base,
        headers={"Referer": base + "/profile"},
        data={"csrf_token": _csrf(home), "locale": "sv", "next": "/"},
    )
    locale_cookie = _set_cookies(switched)["uprest_locale"]
    assert locale_cookie.get("secure") and locale_cookie.get("httponly")
    assert locale_cookie.get("samesite", "").lower() == "lax"
    # Without a CSRF token a state-changing form is refused, also in production.
    assert client.post("/logout", base_url=base).status_code == 400
    with app.app_context():
        db.engine.dispose()
