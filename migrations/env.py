"""Alembic environment: UPREST's metadata and its own version table, beside a host's history.

Run by ``flask db upgrade`` in the standalone app and by ``flask uprest db-upgrade`` in a host
application; either way it migrates UPREST's tables only and records its revision in
``alembic_version_uprest``, so a host's Alembic history in ``alembic_version`` is never touched.
"""

import logging
import tempfile
from logging.config import fileConfig
from pathlib import Path

import sqlalchemy as sa
from alembic import context

from uprest.extensions import db as target_db

VERSION_TABLE = "alembic_version_uprest"
# Where UPREST kept its revision before it had a version table of its own.
LEGACY_VERSION_TABLE = "alembic_version"
# Where a first install into a host's database builds UPREST's tables (see build_apart).
SCRATCH = "uprest_install"

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return target_db.engine


config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
)


def get_metadata():
    return target_db.metadatas[None]


def include_name(name, type_, parent_names):
    """Autogenerate looks at UPREST's tables only, never at the host's in the same database."""
    if type_ == "table":
        return name in get_metadata().tables or name.startswith("uprest_")
    return True


CONFIGURE_ARGS = {
    "version_table": VERSION_TABLE,
    "render_as_batch": True,
    "compare_type": True,
    "include_name": include_name,
}


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=get_metadata(),
        literal_binds=True,
        **CONFIGURE_ARGS,
    )
    with context.begin_transaction():
        context.run_migrations()


def adopt_legacy_version(connection) -> None:
    """Move UPREST's revision from ``alembic_version`` to its own table (installations from
    before 2026-12-05). Revisions that are not UPREST's stay where they are."""
    inspector = sa.inspect(connection)
    if inspector.has_table(VERSION_TABLE) or not inspector.has_table(LEGACY_VERSION_TABLE):
        return
    ours = {script.revision for script in context.script.walk_revisions()}
    legacy = sa.table(LEGACY_VERSION_TABLE, sa.column("version_num"))
    found = connection.execute(sa.select(legacy.c.version_num)).scalars().all()
    moving = [revision for revision in found if revision in ours]
    if not moving:
        return
    version = sa.Table(
        VERSION_TABLE,
        sa.MetaData(),
        sa.Column("version_num", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )
    version.create(connection)
    connection.execute(version.insert(), [{"version_num": revision} for revision in moving])
    connection.execute(legacy.delete().where(legacy.c.version_num.in_(moving)))
    if len(moving) == len(found):  # it held UPREST's revision only
        sa.Table(LEGACY_VERSION_TABLE, sa.MetaData()).drop(connection)
    logger.info("Moved UPREST's revision %s to %s.", ", ".join(moving), VERSION_TABLE)


def is_first_install_beside_others(connection) -> bool:
    """No UPREST revision yet, in a database that already holds someone else's tables."""
    inspector = sa.inspect(connection)
    if inspector.has_table(VERSION_TABLE):
        return False
    if inspector.has_table(LEGACY_VERSION_TABLE):
        legacy = sa.table(LEGACY_VERSION_TABLE, sa.column("version_num"))
        found = set(connection.execute(sa.select(legacy.c.version_num)).scalars())
        if found & {script.revision for script in context.script.walk_revisions()}:
            return False
    return any(not name.startswith("alembic_version") for name in inspector.get_table_names())


def build_apart_postgresql(connection) -> None:
    """Run the history in a schema of its own, then move the finished tables in.

    UPREST's early revisions create tables under names a host may use too (``users``); the last
    of them prefixes them all. Built apart, they never meet the host's tables.
    """
    home = connection.exec_driver_sql("SELECT current_schema()").scalar()
    connection.exec_driver_sql(f'CREATE SCHEMA "{SCRATCH}"')
    connection.exec_driver_sql(f'SET LOCAL search_path TO "{SCRATCH}"')
    context.run_migrations()
    tables = connection.execute(
        sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :schema"), {"schema": SCRATCH}
    ).scalars()
    for table in tables:  # indexes, constraints and owned sequences move with the table
        connection.exec_driver_sql(f'ALTER TABLE "{SCRATCH}"."{table}" SET SCHEMA "{home}"')
    connection.exec_driver_sql(f'SET LOCAL search_path TO "{home}"')
    connection.exec_driver_sql(f'DROP SCHEMA "{SCRATCH}"')


def build_apart_sqlite(connection, options: dict) -> None:
    """As build_apart_postgresql, with a scratch database file copied in afterwards."""
    with tempfile.TemporaryDirectory(prefix="uprest-install-") as folder:
        path = Path(folder) / "scratch.sqlite"
        scratch_engine = sa.create_engine(f"sqlite:///{path}")
        with scratch_engine.connect() as scratch:
            context.configure(connection=scratch, **options)
            with context.begin_transaction():
                context.run_migrations()
            scratch.commit()
        scratch_engine.dispose()
        context.configure(connection=connection, **options)  # back to the real database
        driver = connection.connection.driver_connection  # (DE)ATTACH: outside a transaction
        driver.execute(f"ATTACH DATABASE '{path}' AS {SCRATCH}")
        try:
            with connection.begin():
                objects = connection.exec_driver_sql(
                    f"SELECT type, name, sql FROM {SCRATCH}.sqlite_master WHERE sql IS NOT NULL"
                    " AND name NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid"
                ).all()
                for kind, name, sql in objects:
                    connection.exec_driver_sql(sql)
                    if kind == "table":
                        connection.exec_driver_sql(
                            f'INSERT INTO main."{name}" SELECT * FROM {SCRATCH}."{name}"'
                        )
                check_foreign_keys(connection)
        finally:
            driver.execute(f"DETACH DATABASE {SCRATCH}")


def check_foreign_keys(connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA main.foreign_key_check").all()
    if broken:
        raise RuntimeError(f"Migration left broken foreign keys: {broken[:5]}")


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        """Write no empty revision when autogenerate finds nothing."""
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    options = dict(
        target_metadata=get_metadata(),
        process_revision_directives=process_revision_directives,
        # one transaction for the run (SQLite can, too), so a failure leaves nothing half-done
        # and the foreign-key check below sees everything before it is committed
        transactional_ddl=True,
        **CONFIGURE_ARGS,
    )
    with get_engine().connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by rebuilding it, which with foreign keys on would cascade
            # deletes; the pragma only works outside a transaction (SQLite's "12 steps").
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(connection=connection, **options)
            apart = is_first_install_beside_others(connection)
            connection.rollback()
            if apart and sqlite:
                build_apart_sqlite(connection, options)
                return
            with context.begin_transaction():
                adopt_legacy_version(connection)
                if apart:
                    build_apart_postgresql(connection)
                else:
                    context.run_migrations()
                if sqlite:
                    check_foreign_keys(connection)
        finally:
            if sqlite:
                connection.rollback()  # nothing left open, or the pragma would be ignored
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
