"""An installation from before the uprest_ prefix upgrades with its rows, keys and ids intact."""

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from tests.conftest import make_config, throwaway_database
from uprest import create_app
from uprest.config import MIGRATIONS_DIR
from uprest.extensions import db

BEFORE = "5e2a9c71b4d3"  # the last revision with unprefixed tables
HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


@pytest.fixture
def old_installation(tmp_path):
    """A database at BEFORE whose revision sits in ``alembic_version``, as UPREST kept it then."""
    with throwaway_database(tmp_path) as url:
        app = create_app(make_config(url))
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE alembic_version_uprest")
                connection.exec_driver_sql(
                    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
                )
                connection.exec_driver_sql(
                    f"INSERT INTO alembic_version (version_num) VALUES ('{BEFORE}')"
                )
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def fill(connection) -> dict:
    """Rows in the old tables: a business, its manager, an LRS client and a statement."""
    place = connection.scalar(sa.text("SELECT id FROM municipalities WHERE slug = 'cervia'"))
    connection.execute(
        sa.text(
            "INSERT INTO businesses (name, sector, size_band, municipality_id, created_at) "
            "VALUES ('Hotel Mare', 'accommodation', 'micro', :place, CURRENT_TIMESTAMP)"
        ),
        {"place": place},
    )
    business = connection.scalar(sa.text("SELECT id FROM businesses WHERE name = 'Hotel Mare'"))
    connection.execute(
        sa.text(
            "INSERT INTO users (email, display_name, password_hash, role, business_id, "
            "is_enabled, session_token, created_at) VALUES ('mare@example.org', 'Maria', 'x', "
            "'manager', :business, :yes, 't', CURRENT_TIMESTAMP)"
        ),
        {"business": business, "yes": True},
    )
    user = connection.scalar(sa.text("SELECT id FROM users WHERE email = 'mare@example.org'"))
    return {"place": place, "business": business, "user": user}


def table_names(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


@pytest.mark.nodb
def test_upgrade_renames_tables_keeping_rows_keys_and_ids(old_installation):
    app = old_installation
    with app.app_context():
        with db.engine.begin() as connection:
            ids = fill(connection)
        upgrade()
        names = table_names(app)
        assert "users" not in names and "businesses" not in names
        assert {"uprest_users", "uprest_businesses", "alembic_version_uprest"} <= names
        assert "alembic_version" not in names  # it held UPREST's revision only
        with db.engine.begin() as connection:
            assert connection.scalar(sa.text("SELECT version_num FROM alembic_version_uprest"))
            row = connection.execute(
                sa.text("SELECT id, business_id, display_name FROM uprest_users")
            ).one()
            assert tuple(row) == (ids["user"], ids["business"], "Maria")
            # ids go on from where they were (PostgreSQL: the renamed sequence)
            connection.execute(
                sa.text(
                    "INSERT INTO uprest_businesses (name, sector, size_band, municipality_id, "
                    "created_at) VALUES ('Café Blu', 'food_beverage', 'micro', :place, "
                    "CURRENT_TIMESTAMP)"
                ),
                {"place": ids["place"]},
            )
            new_id = connection.scalar(
                sa.text("SELECT id FROM uprest_businesses WHERE name = 'Café Blu'")
            )
            assert new_id > ids["business"]
            if connection.dialect.name == "postgresql":
                sequence = connection.scalar(
                    sa.text("SELECT pg_get_serial_sequence('uprest_businesses', 'id')")
                )
                assert sequence.endswith("uprest_businesses_id_seq")
        # foreign keys still hold: an unknown business is refused, a deleted one is let go of
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE uprest_users SET business_id = 999999"))
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("DELETE FROM uprest_businesses WHERE id = :b"), {"b": ids["business"]}
            )
            assert connection.scalar(sa.text("SELECT business_id FROM uprest_users")) is None

        downgrade(revision=BEFORE)
        names = table_names(app)
        assert "users" in names and "uprest_users" not in names
        with db.engine.begin() as connection:
            assert connection.scalar(sa.text("SELECT display_name FROM users")) == "Maria"
        upgrade()
        assert "uprest_users" in table_names(app)


@pytest.mark.nodb
def test_a_host_revision_in_alembic_version_stays_there(old_installation):
    """A host that ran UPREST's history in its own table keeps its own revision there."""
    app = old_installation
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO alembic_version (version_num) VALUES ('host00000001')"
            )
        upgrade()
        with db.engine.begin() as connection:
            host = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
            ours = connection.execute(
                sa.text("SELECT version_num FROM alembic_version_uprest")
            ).scalars()
            assert (list(host), list(ours)) == (["host00000001"], [HEAD])


@pytest.mark.nodb
def test_a_table_prefixed_from_the_start_gets_its_foreign_key_renamed(old_installation):
    """Revisions before the prefix one may add uprest_* tables that point at unprefixed ones."""
    app = old_installation
    with app.app_context():
        with db.engine.begin() as connection:
            ids = fill(connection)
            connection.exec_driver_sql(
                "CREATE TABLE uprest_notes (id INTEGER NOT NULL, user_id INTEGER NOT NULL, "
                "CONSTRAINT pk_uprest_notes PRIMARY KEY (id), "
                "CONSTRAINT fk_uprest_notes_user_id_users FOREIGN KEY(user_id) "
                "REFERENCES users (id) ON DELETE CASCADE)"
            )
            connection.execute(
                sa.text("INSERT INTO uprest_notes (id, user_id) VALUES (1, :u)"), {"u": ids["user"]}
            )

        def foreign_keys():
            with db.engine.connect() as connection:
                keys = sa.inspect(connection).get_foreign_keys("uprest_notes")
            return [(key["name"], key["referred_table"]) for key in keys]

        upgrade()
        assert foreign_keys() == [("fk_uprest_notes_user_id_uprest_users", "uprest_users")]
        with db.engine.begin() as connection:
            assert connection.scalar(sa.text("SELECT user_id FROM uprest_notes")) == ids["user"]
            connection.execute(sa.text("DELETE FROM uprest_users"))  # the key still cascades
            assert connection.scalar(sa.text("SELECT count(*) FROM uprest_notes")) == 0
        downgrade(revision=BEFORE)
        assert foreign_keys() == [("fk_uprest_notes_user_id_users", "users")]
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE uprest_notes")
