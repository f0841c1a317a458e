"""The migrations build exactly the models' schema on this session's engine, and tear down."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import ENGINE, make_config, throwaway_database
from uprest import create_app
from uprest.extensions import db


@pytest.fixture
def empty_app(tmp_path):
    with throwaway_database(tmp_path) as url:
        app = create_app(make_config(url))
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.mark.nodb
def test_upgrade_matches_models_and_downgrade_empties(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
            municipalities = (
                connection.execute(sa.text("SELECT slug FROM municipalities ORDER BY slug"))
                .scalars()
                .all()
            )
        assert diff == [], diff
        assert municipalities == [
            "cervia",
            "daugavpils",
            "ravenna",
            "tartu",
            "trollhattan",
            "vanersborg",
        ]
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set(), tables
        upgrade()  # and up again, so downgrade left nothing behind


@pytest.mark.once
def test_sqlite_pragmas(empty_app):
    assert ENGINE == "sqlite"
    with empty_app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
