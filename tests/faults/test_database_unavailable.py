"""No database, a dropped connection, a read-only database: clear 503s, and no crash loop."""

from __future__ import annotations

import os

import pytest
import requests
import sqlalchemy as sa

from tests.browser.journey import translations
from tests.conftest import ENGINE, compile_catalogues
from tests.live import LiveServer, free_port

pytestmark = pytest.mark.nodb
MESSAGE = (
    "The database cannot be reached or cannot save changes at the moment. Nothing has "
    "been changed. Please try again in a few minutes."
)


def lrs_get(server, auth=("nobody", "nothing")):
    return requests.get(
        f"{server.url}/xapi/statements",
        auth=auth,
        headers={"X-Experience-API-Version": "2.0.0"},
        timeout=10,
    )


def assert_unavailable_page(response, locale: str) -> None:
    assert response.status_code == 503, response.text[:500]
    assert response.headers["Retry-After"] == "30"
    assert f'<html lang="{locale}">' in response.text
    assert translations(locale).ugettext(MESSAGE) in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text


@pytest.mark.once
def test_postgresql_that_does_not_answer_gives_clear_503s(tmp_path):
    compile_catalogues()
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/uprest?connect_timeout=2"
    server = LiveServer(tmp_path, nowhere).start()
    try:
        for path, locale in (
            ("/learn/catalogue", "sv"),
            ("/learn/modules/green-basics", "it"),
            ("/learn/paths/digital-basics", "lv"),
        ):
            response = requests.get(server.url + path, headers={"Accept-Language": locale})
            assert_unavailable_page(response, locale)
        login = requests.post(
            server.url + "/login",
            data={"email": "a@example.org", "password": "x" * 12},
            headers={"Accept-Language": "et"},
            timeout=10,
        )
        assert login.status_code in (400, 503)  # no CSRF token without a page; never a 500
        health = requests.get(server.url + "/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["status"] == "unavailable"
        lrs = lrs_get(server)
        assert lrs.status_code == 503
        assert lrs.json()["status"] == 503 and lrs.headers["X-Experience-API-Version"] == "2.0.0"
        assert server.process.poll() is None, "the server must keep running"
        assert "database unavailable" in server.log()
    finally:
        server.stop()


@pytest.mark.skipif(ENGINE != "postgresql", reason="PostgreSQL only")
def test_dropped_postgresql_connections_recover_by_themselves(tmp_path, fault_database):
    server = LiveServer(tmp_path, fault_database, workers=2)
    server.prepare()
    server.start()
    try:
        for _ in range(6):  # every worker holds a pooled connection now
            assert requests.get(server.url + "/learn/catalogue", timeout=10).status_code == 200
        url = sa.engine.make_url(fault_database)
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            killed = conn.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": url.database},
            ).scalar()
        admin.dispose()
        assert killed >= 1
        for _ in range(6):  # the pool notices the dead connections and opens new ones
            assert requests.get(server.url + "/learn/catalogue", timeout=10).status_code == 200
    finally:
        server.stop()


@pytest.mark.once
def test_read_only_sqlite_reads_and_refuses_writes_clearly(tmp_path):
    compile_catalogues()
    path = tmp_path / "uprest.sqlite"
    setup = LiveServer(tmp_path / "setup", f"sqlite:///{path}")
    setup.prepare()
    key, secret = setup.flask("uprest", "lrs-client", "create", "RO").splitlines()[-1].split()
    # mode=ro: the read-only medium a disk error or a mount option would leave (chmod can't
    # stop root, which CI runs as).
    server = LiveServer(tmp_path / "server", f"sqlite:///file:{path}?mode=ro&uri=true").start()
    try:
        catalogue = requests.get(server.url + "/learn/catalogue", timeout=10)
        assert catalogue.status_code == 200 and "green-basics" in catalogue.text
        statement = {
            "actor": {"mbox": "mailto:ro@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": "http://example.org/activities/x"},
        }
        for _ in range(3):  # the same clear answer each time, not a crash loop
            response = requests.post(
                f"{server.url}/xapi/statements",
                json=statement,
                auth=(key, secret),
                headers={"X-Experience-API-Version": "1.0.3"},
                timeout=10,
            )
            assert response.status_code == 503, response.text
            assert "cannot save changes" in response.json()["error"]
        page = requests.post(
            server.url + "/register",
            data={"display_name": "R", "email": "r@example.org", "password": "x" * 12},
            headers={"Accept-Language": "sv"},
            timeout=10,
        )
        assert page.status_code in (400, 503)  # CSRF first; no write reaches the database
        assert lrs_get(server, (key, secret)).status_code == 200  # reading still works
        assert server.process.poll() is None
    finally:
        server.stop()
    assert os.path.getsize(path) > 0
