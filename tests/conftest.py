"""Fixtures: one migrated database per session (SQLite or PostgreSQL), a savepoint per test."""

from __future__ import annotations

import contextvars
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from uprest import create_app
from uprest.accounts import services
from uprest.accounts.models import Business, Municipality, Role, Sector, SizeBand
from uprest.config import TRANSLATIONS_DIR, TestConfig
from uprest.core.time import utcnow
from uprest.extensions import db as _db
from uprest.extensions import limiter

PASSWORD = "correct horse battery"
COURSES = Path(__file__).resolve().parent / "data" / "courses"
ENGINE = os.environ.get("UPREST_TEST_ENGINE", "sqlite")


def compile_catalogues() -> None:
    """Build .mo files from the .po catalogues, so a fresh clone needs no manual step."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            with mo.open("wb") as target:
                write_mo(target, catalog)


@contextmanager
def throwaway_database(tmp_path: Path):
    """A database URL for this session, removed afterwards."""
    if ENGINE == "sqlite":
        yield f"sqlite:///{tmp_path / 'uprest-test.sqlite'}"
        return
    base = os.environ.get("UPREST_TEST_DATABASE_URL")
    if not base:
        pytest.exit("UPREST_TEST_ENGINE=postgresql needs UPREST_TEST_DATABASE_URL", returncode=2)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"uprest_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.exit(f"PostgreSQL is unreachable in CI: {error}", returncode=3)
        pytest.exit(f"PostgreSQL unreachable, PostgreSQL pass not run: {error}", returncode=0)
    try:
        yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# Tests that start real servers (gunicorn, Chromium, a second app): `make test-fast` skips them.
LIVE_FOLDERS = {"faults", "browser"}
LIVE_FIXTURES = {"far", "far_lrs", "live"}  # fixtures that start a server


def pytest_collection_modifyitems(config, items):
    """Mark as ``live`` every test in a live folder, using a server fixture, or in a module
    that starts a ``LiveServer``, so one marker selects them all."""
    tests = Path(__file__).resolve().parent
    for item in items:
        path = Path(str(item.fspath)).resolve()
        folder = path.relative_to(tests).parts[0] if path.is_relative_to(tests) else ""
        if (
            folder in LIVE_FOLDERS
            or LIVE_FIXTURES & set(getattr(item, "fixturenames", ()))
            or getattr(item.module, "LiveServer", None) is not None
        ):
            item.add_marker(pytest.mark.live)


def pytest_report_header(config):
    return f"UPREST database engine: {ENGINE}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with throwaway_database(tmp_path_factory.mktemp("db")) as url:
        yield url


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (and ``g``), as in a real server.

    The test body holds an app context of its own; without this, Flask would reuse it for every
    request and ``g`` (Flask-Login's user, Flask-Babel's locale) would leak between requests.
    Afterwards the test's own session is expired, so it sees what the request committed.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            _db.session.expire_all()
        return response


def make_config(database_url: str, **overrides) -> type:
    return type(
        "SessionConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False, **overrides},
    )


@pytest.fixture(scope="session")
def app(database_url):
    compile_catalogues()
    app = create_app(make_config(database_url))
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def db(request, app):
    """Each test runs inside a transaction that is rolled back; views' commits are savepoints.

    SQLAlchemy's "Joining a Session into an External Transaction": every session of the test
    (the test's own and each request's) is bound to one connection whose transaction is rolled
    back at the end, and ``join_transaction_mode="create_savepoint"`` (set through the public
    ``scoped_session.configure``) makes their commits and rollbacks savepoints in it.

    Flask-SQLAlchemy 3.1 has no public way to bind its sessions to a connection: its
    ``Session.get_bind`` ignores ``bind=`` and reads ``db.engines[None]`` on every query. So the
    test's connection is put into that mapping, which relies on two of its internals: ``engines``
    returns the extension's own per-app dict (``SQLAlchemy._app_engines[app]``), not a copy, and
    ``get_bind`` looks the engine up there each time. Hence flask-sqlalchemy<3.2 in the test
    extra; on upgrade, check flask_sqlalchemy/session.py (``get_bind``) and extension.py
    (``engines``), then tests/test_test_isolation.py, which fails plainly if either changes.
    """
    if request.node.get_closest_marker("nodb") or request.node.get_closest_marker("once"):
        yield None
        return
    with app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection  # see above: Flask-SQLAlchemy internals, pinned
        _db.session.configure(join_transaction_mode="create_savepoint")
        limiter.reset()
        app.extensions["mailman"].outbox = []
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session.configure(join_transaction_mode="conditional_savepoint")  # the default
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """Mail sent during the test (Flask-Mailman's locmem backend)."""
    return app.extensions["mailman"].outbox


@pytest.fixture
def municipality(app, db):
    def get(slug: str = "cervia") -> Municipality:
        return _db.session.scalar(sa.select(Municipality).where(Municipality.slug == slug))

    return get


@pytest.fixture
def create_business(app, db, municipality):
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, place: str = "cervia", **kwargs) -> Business:
        business = Business(
            name=name or f"Business {next(counter)}",
            sector=kwargs.get("sector", Sector.ACCOMMODATION),
            size_band=kwargs.get("size_band", SizeBand.MICRO),
            municipality=municipality(place),
            confirmed_at=utcnow() if kwargs.get("confirmed", True) else None,
        )
        _db.session.add(business)
        _db.session.commit()
        return business

    return make


@pytest.fixture
def create_user(app, db, create_business, municipality):
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.LEARNER, *, email=None, business=None, place="cervia", **kwargs):
        if role is Role.MANAGER and business is None:
            business = create_business(place=place)
        user = services.create_user(
            email=email or f"{role.value}{next(counter)}@example.org",
            display_name=kwargs.get("display_name", f"Kim Tester {next(counter)}"),
            password=kwargs.get("password", PASSWORD),
            role=role,
            locale=kwargs.get("locale"),
            municipality=municipality(place) if role is Role.REVIEWER else None,
            business=business,
        )
        _db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    def do(user, password: str = PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do


@pytest.fixture
def login_as(create_user, login):
    def do(role: Role, **kwargs):
        user = create_user(role, **kwargs)
        login(user)
        return user

    return do


@pytest.fixture
def count_queries(app):
    """Counts SQL statements run inside the block: guards pages against N+1 queries."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():
            engine = _db.engines[None]
            target = engine.engine if isinstance(engine, sa.Connection) else engine
        sa.event.listen(target, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(target, "before_cursor_execute", before)

    return counting


@pytest.fixture
def courses(app, db):
    """The fixture course packages (two modules in en and sv, one path), imported."""
    from uprest.courses import importer

    modules, paths = importer.read_all(COURSES)
    outcomes = list(importer.write_all(modules, paths))
    _db.session.commit()
    return outcomes


@pytest.fixture
def open_wave(app, db):
    """Opens a survey wave (consortium-wide unless ``place`` is given), open today by default."""
    from datetime import timedelta

    from uprest.core.time import utcnow
    from uprest.surveys import services as survey_services

    def make(title: str = "Spring wave", place: str | None = None, days=(-1, 30)):
        today = utcnow().date()
        municipality = None
        if place is not None:
            municipality = _db.session.scalar(
                sa.select(Municipality).where(Municipality.slug == place)
            )
        wave = survey_services.open_wave(
            title=title,
            opens_on=today + timedelta(days=days[0]),
            closes_on=today + timedelta(days=days[1]),
            municipality=municipality,
            created_by=None,
        )
        _db.session.commit()
        return wave

    return make


@pytest.fixture
def close_wave(app, db):
    """Closes a wave as of yesterday, as time would: its figures are then published."""
    from datetime import timedelta

    from uprest.surveys.models import SurveyWave

    def close(wave):
        yesterday = utcnow().date() - timedelta(days=1)
        _db.session.execute(
            sa.update(SurveyWave)
            .where(SurveyWave.id == wave.id)
            .values(closes_on=yesterday, opens_on=min(wave.opens_on, yesterday))
        )
        _db.session.commit()
        _db.session.refresh(wave)
        return wave

    return close


@pytest.fixture
def answer_survey(app, db, create_user):
    """Submits a business part and staff self-assessments straight through the services.

    ``required`` and each of ``current`` are a level for every competence, or a dict of levels
    by competence code (the rest default to 3). Returns the business part's response.
    """
    from uprest.core.time import utcnow
    from uprest.surveys import services as survey_services
    from uprest.surveys.models import Part

    def levels(spec, competences):
        if isinstance(spec, int):
            return {c.id: spec for c in competences}
        return {c.id: spec.get(c.code, 3) for c in competences}

    def do(wave, business, required=4, current=(2,), importance=None, comments=None):
        today = utcnow().date()
        competences = list(wave.framework.competences)
        manager = next((u for u in business.staff if u.role is Role.MANAGER), None)
        if manager is None:
            manager = create_user(Role.MANAGER, business=business)
        response = survey_services.start_response(wave, manager, Part.BUSINESS, today)
        survey_services.save_profile(
            response, sector=business.sector, size_band=business.size_band, comments=comments
        )
        req = levels(required, competences)
        imp = levels(importance if importance is not None else required, competences)
        survey_services.save_ratings(
            response, competences, {cid: (req[cid], imp[cid]) for cid in req}, 99
        )
        survey_services.submit(response, wave, today)
        for index, spec in enumerate(current):
            person = manager if index == 0 else create_user(business=business)
            assessment = survey_services.start_response(wave, person, Part.SELF, today)
            cur = levels(spec, competences)
            survey_services.save_ratings(
                assessment, competences, {cid: (cur[cid], None) for cid in cur}, 99
            )
            survey_services.submit(assessment, wave, today)
        _db.session.commit()
        return response

    return do
