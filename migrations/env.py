"""Alembic environment: UPREST's metadata and its own version table, beside a host's history.

Run by ``flask db upgrade`` in the standalone app and by ``flask uprest db-upgrade`` in a host
application; either way it migrates UPREST's tables only and records its revision in
``alembic_version_uprest``, so a host's Alembic history in ``alembic_version`` is never touched.
"""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context

from uprest.extensions import db as target_db

VERSION_TABLE = "alembic_version_uprest"
# Where UPREST kept its revision before it had a version table of its own.
LEGACY_VERSION_TABLE = "alembic_version"

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


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        """Write no empty revision when autogenerate finds nothing."""
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    with get_engine().connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by rebuilding it, which with foreign keys on would cascade
            # deletes; the pragma only works outside a transaction (SQLite's "12 steps").
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                process_revision_directives=process_revision_directives,
                # SQLite can: one transaction for the run, so the foreign-key check below sees
                # everything before it is committed
                transactional_ddl=True,
                **CONFIGURE_ARGS,
            )
            with context.begin_transaction():
                adopt_legacy_version(connection)
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"Migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.rollback()  # nothing left open, or the pragma would be ignored
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
