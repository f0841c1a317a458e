"""A PostgreSQL connection that dies half-way through a page: the translated 503, never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import before_render_template
from flask_migrate import upgrade

from tests.conftest import ENGINE, PASSWORD, compile_catalogues, make_config
from uprest import create_app
from uprest.accounts import services
from uprest.accounts.models import Role
from uprest.extensions import db

pytestmark = [
    pytest.mark.nodb,
    pytest.mark.skipif(ENGINE != "postgresql", reason="a dropped connection is PostgreSQL's"),
]


def test_a_connection_killed_while_the_page_renders_gives_the_503_page(fault_database):
    compile_catalogues()
    app = create_app(make_config(fault_database))
    with app.app_context():
        upgrade()
        services.create_user(
            email="reader@example.org",
            display_name="Reader",
            password=PASSWORD,
            role=Role.LEARNER,
            locale="lv",
        )
        db.session.commit()
    client = app.test_client()
    assert (
        client.post(
            "/login", data={"email": "reader@example.org", "password": PASSWORD}
        ).status_code
        == 302
    )
    admin = sa.create_engine(sa.engine.make_url(fault_database), isolation_level="AUTOCOMMIT")

    killed = []

    def kill_my_connection(sender, template, context, **extra):
        """Signed in and half-way: the server ends this request's connection under it (once)."""
        if killed:
            return
        killed.append(template.name)
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        db.session.execute(sa.text("SELECT 1"))  # what the rest of the page would do

    before_render_template.connect(kill_my_connection, app)
    try:
        response = client.get("/profile")
    finally:
        before_render_template.disconnect(kill_my_connection, app)
    assert killed and response.status_code == 503
    page = response.get_data(as_text=True)
    assert '<html lang="' in page and "Retry-After" in response.headers
    # And the next request gets a fresh connection.
    assert client.get("/profile").status_code == 200
    with app.app_context():
        db.engine.dispose()
    admin.dispose()
