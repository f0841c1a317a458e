"""UPREST mounted into someone else's Flask application under a URL prefix."""

import pytest
from flask import Flask
from flask_babel import Babel

from tests.conftest import PASSWORD, IsolatedClient, throwaway_database
from uprest import Uprest
from uprest.accounts import services
from uprest.extensions import db, limiter
from uprest.schema import upgrade


@pytest.fixture
def host(tmp_path):
    with throwaway_database(tmp_path) as url:
        app = Flask("host_app")
        app.config.update(
            SECRET_KEY="host secret",
            TESTING=True,
            SQLALCHEMY_DATABASE_URI=url,
            WTF_CSRF_ENABLED=False,
            MAIL_BACKEND="locmem",
            UPREST_ARGON2_MEMORY_KIB=1024,
            UPREST_ARGON2_TIME_COST=1,
        )
        # The host translates with its own Babel and always picks Swedish.
        Babel(app, locale_selector=lambda: "sv")

        @app.get("/")
        def host_home():
            return "host home page"

        Uprest().init_app(app, url_prefix="/learning")
        app.test_client_class = IsolatedClient
        with app.app_context():
            upgrade()
            services.create_user(
                email="guest@example.org", display_name="Gästen", password=PASSWORD
            )
            db.session.commit()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.nodb
def test_uprest_pages_live_under_the_prefix(host):
    limiter.reset()
    client = host.test_client()
    assert client.get("/").get_data(as_text=True) == "host home page"
    login_page = client.get("/learning/login")
    assert login_page.status_code == 200
    assert 'action="/learning/locale"' in login_page.get_data(as_text=True)
    response = client.post(
        "/learning/login", data={"email": "guest@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    profile = client.get("/learning/profile")
    text = profile.get_data(as_text=True)
    assert profile.status_code == 200
    assert "Gästen" in text
    assert '<html lang="sv">' in text and "Profil" in text  # UPREST's own Swedish catalogue
    assert 'href="/learning/static/uprest.css"' in text
    assert profile.headers["X-Content-Type-Options"] == "nosniff"
    css = client.get("/learning/static/uprest.css")
    assert css.status_code == 200
    css.close()


@pytest.mark.nodb
def test_uprest_errors_inside_the_prefix_are_translated_pages(host):
    limiter.reset()
    client = host.test_client()
    client.post("/learning/login", data={"email": "guest@example.org", "password": PASSWORD})
    response = client.get("/learning/admin/users")
    assert response.status_code == 403
    assert "<html" in response.get_data(as_text=True)
