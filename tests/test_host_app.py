"""UPREST inside a host site with its own db, users table, migrations and login (tests/host_app)."""

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, IsolatedClient, throwaway_database
from tests.host_app import Member, create_host
from tests.host_app import db as host_db
from uprest import Uprest
from uprest.accounts import services
from uprest.extensions import db, limiter


def migrate(app) -> None:
    """What the host's operator runs: the host's history, then UPREST's."""
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["uprest", "db-upgrade"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output, result.exception)


def versions(app) -> dict[str, list[str]]:
    with app.app_context(), db.engine.connect() as connection:
        return {
            table: connection.execute(sa.text(f"SELECT version_num FROM {table}")).scalars().all()
            for table in ("alembic_version", "alembic_version_uprest")
        }


def add_people(app, member: str, guest: str) -> None:
    """A member of the host site and a UPREST account, each in its own users table."""
    with app.app_context():
        host_db.session.add(Member(id=1, name=member))
        host_db.session.commit()
        services.create_user(email=guest, display_name="Gästen", password=PASSWORD)
        db.session.commit()


@pytest.fixture
def host(tmp_path):
    with throwaway_database(tmp_path) as url:
        app = create_host(url)
        app.test_client_class = IsolatedClient
        migrate(app)
        add_people(app, "Hanna Host", "guest@example.org")
        limiter.reset()
        yield app
        with app.app_context():
            db.session.remove()
            host_db.session.remove()
            db.engine.dispose()
            host_db.engine.dispose()


@pytest.mark.nodb
def test_each_side_migrates_its_own_tables_and_history(host):
    with host.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    assert {"users", "uprest_users", "alembic_version", "alembic_version_uprest"} <= tables
    assert not {name for name in tables if not name.startswith(("uprest_", "alembic_"))} - {
        "users"
    }
    found = versions(host)
    assert found["alembic_version"] == ["host0001"]
    assert len(found["alembic_version_uprest"]) == 1

    # The host taking its own history back down leaves UPREST's tables, rows and history alone.
    result = host.test_cli_runner().invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    with host.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        assert db.session.scalar(sa.text("SELECT display_name FROM uprest_users")) == "Gästen"
        db.session.rollback()
    assert "users" not in tables and "uprest_users" in tables
    assert versions(host)["alembic_version_uprest"] == found["alembic_version_uprest"]

    # UPREST's own history cannot go back to unprefixed names beside the host's users table.
    migrate(host)
    result = host.test_cli_runner().invoke(args=["uprest", "db-downgrade", "base"])
    assert result.exit_code != 0 and "users" in str(result.exception)
    with host.app_context():
        assert "uprest_users" in sa.inspect(db.engine).get_table_names()


@pytest.mark.nodb
def test_host_and_uprest_sign_in_apart(host):
    client = host.test_client()
    client.post("/sign-in/1")
    assert client.get("/").get_data(as_text=True) == "host home, signed in: Hanna Host"
    assert client.get_cookie("remember_token") is not None  # the host's, at /

    # The host's member is nobody to UPREST (its loader never sees the host's cookies).
    profile = client.get("/learning/profile")
    assert profile.status_code == 302 and "/learning/login" in profile.headers["Location"]

    response = client.post(
        "/learning/login",
        data={"email": "guest@example.org", "password": PASSWORD, "remember": "y"},
    )
    assert response.status_code == 302
    assert "Gästen" in client.get("/learning/profile").get_data(as_text=True)
    # UPREST's cookies are its own, scoped to its prefix; the host's are unchanged.
    assert client.get_cookie("uprest_session", path="/learning") is not None
    assert client.get_cookie("uprest_remember", path="/learning") is not None
    assert client.get("/").get_data(as_text=True) == "host home, signed in: Hanna Host"

    client.post("/learning/logout")
    assert client.get("/learning/profile").status_code == 302
    assert client.get("/").get_data(as_text=True) == "host home, signed in: Hanna Host"

    client.post("/learning/login", data={"email": "guest@example.org", "password": PASSWORD})
    client.post("/sign-out")
    assert client.get("/").get_data(as_text=True) == "host home, signed in: nobody"
    assert client.get("/learning/profile").status_code == 200


@pytest.mark.nodb
def test_uprest_remember_me_signs_in_to_uprest_only(host):
    client = host.test_client()
    client.post(
        "/learning/login",
        data={"email": "guest@example.org", "password": PASSWORD, "remember": "y"},
    )
    remember = client.get_cookie("uprest_remember", path="/learning")
    fresh = host.test_client()
    fresh.set_cookie("uprest_remember", remember.value, path="/learning")
    assert fresh.get("/learning/profile").status_code == 200
    assert fresh.get("/").get_data(as_text=True) == "host home, signed in: nobody"
    assert fresh.get_cookie("remember_token") is None


@pytest.mark.nodb
def test_two_host_apps_in_one_process(tmp_path):
    """One Uprest object mounted into two sites: each keeps its prefix, database and accounts."""
    plugin = Uprest()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        throwaway_database(tmp_path / "a") as first_url,
        throwaway_database(tmp_path / "b") as second_url,
    ):
        first = create_host(first_url, "/learning", plugin)
        second = create_host(second_url, "/training", plugin)
        try:
            for app, email in ((first, "one@example.org"), (second, "two@example.org")):
                app.test_client_class = IsolatedClient
                migrate(app)
                add_people(app, "Member", email)
            assert first.extensions["uprest"].url_prefix == "/learning"
            assert second.extensions["uprest"].url_prefix == "/training"
            assert not hasattr(plugin, "url_prefix")
            limiter.reset()

            one, two = first.test_client(), second.test_client()
            for client, prefix, email, other in (
                (one, "/learning", "one@example.org", "two@example.org"),
                (two, "/training", "two@example.org", "one@example.org"),
            ):
                refused = client.post(
                    f"{prefix}/login", data={"email": other, "password": PASSWORD}
                )
                assert refused.status_code == 200  # that account lives in the other site
                client.post(f"{prefix}/login", data={"email": email, "password": PASSWORD})
            assert one.get("/learning/profile").status_code == 200
            assert two.get("/training/profile").status_code == 200
            assert one.get("/training/profile").status_code == 404
            with first.app_context():
                assert first_url.split("/")[-1] in db.engine.url.render_as_string()
            with second.app_context():
                assert second_url.split("/")[-1] in db.engine.url.render_as_string()
        finally:
            for app in (first, second):
                with app.app_context():
                    db.session.remove()
                    host_db.session.remove()
                    db.engine.dispose()
                    host_db.engine.dispose()


@pytest.mark.nodb
def test_a_host_with_its_own_login_must_give_uprest_a_prefix(tmp_path):
    with pytest.raises(RuntimeError, match="url_prefix"):
        create_host(f"sqlite:///{tmp_path / 'x.sqlite'}", prefix="")
