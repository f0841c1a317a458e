"""The per-test transaction of tests/conftest.py's ``db`` fixture holds: it leans on
Flask-SQLAlchemy internals (pinned below 3.2 in the test extra), checked here by name so that
an upgrade that changes them fails with a message saying what to fix, not as stray data
leaking between tests."""

import sqlalchemy as sa
from flask import current_app

from uprest.accounts.models import Municipality

HINT = (
    "Flask-SQLAlchemy changed an internal that tests/conftest.py's db fixture relies on to run "
    "each test in one rolled-back transaction ({what}); see that fixture's docstring"
)


def test_flask_sqlalchemy_keeps_its_engines_in_the_live_mapping_the_fixture_swaps(db):
    assert hasattr(db, "_app_engines"), HINT.format(what="SQLAlchemy._app_engines is gone")
    engines = db.engines
    assert engines is db._app_engines[current_app._get_current_object()], HINT.format(
        what="db.engines is no longer the per-app dict SQLAlchemy._app_engines[app]"
    )
    assert isinstance(engines[None], sa.Connection), HINT.format(
        what="db.engines[None] could not be replaced by the test's connection"
    )


def test_sessions_use_the_tests_connection_and_commit_as_savepoints(db):
    connection = db.engines[None]
    assert db.session.get_bind() is connection, HINT.format(
        what="Session.get_bind no longer reads db.engines[None]"
    )
    assert db.session().join_transaction_mode == "create_savepoint"
    db.session.add(
        Municipality(slug="isolation", name="Isolation", country="SE", default_locale="sv")
    )
    db.session.commit()
    assert connection.in_transaction(), "a commit in a test must not end the test's transaction"
    assert db.session.scalar(sa.select(Municipality).filter_by(slug="isolation"))
